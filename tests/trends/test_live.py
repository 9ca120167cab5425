"""The dashboard's websocket: members hear score changes of their workspace, outsiders cannot join."""

from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator

from apps.trends.services import items_assign_to_trends, trends_rank
from config.asgi import application

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def _communicator(user, path="/ws/trends/"):
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    return WebsocketCommunicator(
        application, path, headers=[(b"cookie", cookie.encode()), (b"origin", b"http://testserver")]
    )


async def test_member_receives_score_changes(writer, workspace, story_items):
    from asgiref.sync import sync_to_async

    sources, items = story_items
    ws = await sync_to_async(_communicator)(writer, f"/ws/trends/?workspace={workspace.pk}")
    connected, _ = await ws.connect()
    assert connected
    assert (await ws.receive_json_from(timeout=5))["type"] == "hello"

    def work():
        items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
        return trends_rank(workspace_id=workspace.pk)

    outcome = await sync_to_async(work)()
    event = await ws.receive_json_from(timeout=5)
    assert event["type"] == "scores" and event["changed"] == outcome.changed == 3 and len(event["top"]) == 3
    await ws.disconnect()


async def test_outsider_cannot_join_another_workspace(outsider, workspace):
    from asgiref.sync import sync_to_async

    ws = await sync_to_async(_communicator)(outsider, f"/ws/trends/?workspace={workspace.pk}")
    connected, code = await ws.connect()
    assert not connected and code == 4404


async def test_anonymous_is_refused(workspace):
    ws = WebsocketCommunicator(application, "/ws/trends/")
    connected, code = await ws.connect()
    assert not connected and code == 4403
