"""The posts event socket: members and people the post is shared with hear its events; outsiders are
refused; the board hears its workspace."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from apps.posts import services
from apps.posts.routing import websocket_urlpatterns

from .conftest import doc_of

pytestmark = [pytest.mark.django_db(transaction=True)]

APP = URLRouter(websocket_urlpatterns)


def _run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API may have left a loop in this one."""
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _communicator(user, path):
    communicator = WebsocketCommunicator(APP, path)
    communicator.scope["user"] = user
    return communicator


async def _until(communicator, kind: str, limit: int = 6) -> tuple[dict, list[str]]:
    """The first event of that type, and the types of those before it."""
    seen = []
    for _ in range(limit):
        event = await communicator.receive_json_from(timeout=5)
        if event["type"] == kind:
            return event, seen
        seen.append(event["type"])
    raise AssertionError(f"no {kind} in {seen}")


def test_post_and_board_events(fresh_channel_layer, workspace, writer, editor, outsider):
    # In a thread: the after-commit broadcast cannot run where Playwright may have left an event loop.
    with ThreadPoolExecutor(1) as pool:
        post = pool.submit(
            services.post_create, workspace=workspace, user=writer, title="Live", body_json=doc_of("Some text")
        ).result()

    async def scenario():
        refused, _ = await _communicator(outsider, f"/ws/posts/{post.pk}/").connect()
        refused_board, _ = await _communicator(outsider, f"/ws/posts/workspace/{workspace.pk}/").connect()
        page = _communicator(editor, f"/ws/posts/{post.pk}/")
        board = _communicator(editor, f"/ws/posts/workspace/{workspace.pk}/")
        assert (await page.connect())[0] and (await board.connect())[0]
        await database_sync_to_async(services.comment_create)(post=post, user=writer, body="hello")
        comment_event, _before = await _until(page, "post.comment")
        await database_sync_to_async(services.post_submit)(post=post, user=writer)
        transition_event, page_seen = await _until(page, "post.transitioned")
        board_event, board_seen = await _until(board, "post.changed")
        await page.disconnect()
        await board.disconnect()
        return refused, refused_board, comment_event, transition_event, page_seen + board_seen, board_event

    refused, refused_board, comment_event, transition_event, seen, board_event = _run(scenario())
    assert not refused and not refused_board
    assert comment_event["event"] == "created"
    assert transition_event["state"] == "in_review"
    # The editor's own notification (a post was submitted for review) arrives on the same socket.
    assert "notification.created" in seen
    assert board_event == {"type": "post.changed", "post_id": post.pk, "state": "in_review", "action": "submit"}
