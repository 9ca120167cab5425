"""The dashboard's websocket: members hear score changes of their workspace, outsiders cannot join.

The async bodies run on their own event loop in a worker thread, so these tests also pass in a process
where Playwright's sync API already holds the main thread's loop."""

from __future__ import annotations

import pytest

from apps.trends.services import items_assign_to_trends, trends_rank
from tests.sockets import communicator, run_in_thread, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_receives_score_changes(writer, workspace, story_items):
    from asgiref.sync import sync_to_async

    sources, items = story_items
    cookie = session_cookie(writer)

    def work():
        items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
        return trends_rank(workspace_id=workspace.pk)

    async def scenario():
        ws = communicator(cookie, f"/ws/trends/?workspace={workspace.pk}")
        connected, _ = await ws.connect(timeout=5)
        assert connected
        assert (await ws.receive_json_from(timeout=5))["type"] == "hello"
        outcome = await sync_to_async(work)()
        event = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return outcome, event

    outcome, event = run_in_thread(scenario)
    assert event["type"] == "scores" and event["changed"] == outcome.changed == 3 and len(event["top"]) == 3


def test_outsider_cannot_join_another_workspace(outsider, workspace):
    cookie = session_cookie(outsider)

    async def scenario():
        return await communicator(cookie, f"/ws/trends/?workspace={workspace.pk}").connect(timeout=5)

    connected, code = run_in_thread(scenario)
    assert not connected and code == 4404


def test_anonymous_is_refused(workspace):
    async def scenario():
        return await communicator(None, "/ws/trends/").connect(timeout=5)

    connected, code = run_in_thread(scenario)
    assert not connected and code == 4403
