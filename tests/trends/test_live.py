"""The dashboard's websocket: members hear score changes of their workspace, outsiders cannot join.

The async bodies run on their own event loop in a worker thread, so these tests also pass in a process
where Playwright's sync API already holds the main thread's loop."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from apps.trends.services import items_assign_to_trends, trends_rank
from config.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def _run(coro_fn):
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coro_fn())
        except BaseException as exc:  # re-raised in the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def _cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def _communicator(cookie: bytes | None, path: str) -> WebsocketCommunicator:
    # Built inside the worker thread's loop: the communicator binds its application future on creation.
    # A browser sends its Origin and the Host it opened the socket on (the Origin check compares both).
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, path, headers=headers)


def test_member_receives_score_changes(writer, workspace, story_items):
    from asgiref.sync import sync_to_async

    sources, items = story_items
    cookie = _cookie(writer)

    def work():
        items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
        return trends_rank(workspace_id=workspace.pk)

    async def scenario():
        ws = _communicator(cookie, f"/ws/trends/?workspace={workspace.pk}")
        connected, _ = await ws.connect(timeout=5)
        assert connected
        assert (await ws.receive_json_from(timeout=5))["type"] == "hello"
        outcome = await sync_to_async(work)()
        event = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return outcome, event

    outcome, event = _run(scenario)
    assert event["type"] == "scores" and event["changed"] == outcome.changed == 3 and len(event["top"]) == 3


def test_outsider_cannot_join_another_workspace(outsider, workspace):
    cookie = _cookie(outsider)

    async def scenario():
        return await _communicator(cookie, f"/ws/trends/?workspace={workspace.pk}").connect(timeout=5)

    connected, code = _run(scenario)
    assert not connected and code == 4404


def test_anonymous_is_refused(workspace):
    async def scenario():
        return await _communicator(None, "/ws/trends/").connect(timeout=5)

    connected, code = _run(scenario)
    assert not connected and code == 4403
