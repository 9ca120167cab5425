"""Open sockets follow access changes: a member removed or demoted, a post archived, a share withdrawn
closes the live-editing socket with 4403 (after a "permission denied" naming the reason when the user
may still read) and its later writes never reach the document or the log; a change that bypasses the
ORM is caught by the periodic re-check; the post events socket closes the same way."""

from __future__ import annotations

import asyncio

import pytest
import websockets

from apps.accounts.models import ApiToken, Membership
from apps.accounts.roles import Role
from apps.collaboration.models import DocumentUpdate
from apps.posts.models import ShareLevel
from apps.posts.services.posts import post_share, post_unshare
from apps.posts.services.workflow import post_archive
from tests.factories import UserFactory

from .conftest import run_async
from .ycli import YClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _closed_after(url: str, change, *, label: str) -> tuple[YClient, list[str]]:
    """Connect as an editor, make one edit, run `change` (sync, in a worker thread), then try to edit
    again until the server closes the socket; the close code and what was denied come back."""

    async def scenario():
        client = await YClient(url, name=label).connect()
        await client.add_paragraph(f"{label} before")
        await asyncio.sleep(0.2)
        await asyncio.to_thread(change)
        for i in range(100):
            if client.closed.is_set():
                break
            try:
                await client.add_paragraph(f"{label} after {i}")
            except websockets.ConnectionClosed:
                break
            await asyncio.sleep(0.05)
        await asyncio.wait_for(client.closed.wait(), 10)
        return client

    client = run_async(scenario())
    return client, client.denied


def _logged_texts(post, user) -> int:
    return DocumentUpdate.objects.filter(post=post, user=user).count()


def test_a_demoted_editor_is_closed_and_told_why(live, post, editor, room_url):
    url = room_url(live.ws_url, post, editor)

    def demote():
        membership = Membership.objects.get(user=editor, workspace=post.workspace)
        membership.role = Role.PUBLISHER  # publishers read other people's posts
        membership.save()

    client, denied = _closed_after(url, demote, label="demoted")
    assert client.close_code == 4403
    assert denied, "a permission-denied message says why before the close"
    logged = _logged_texts(post, editor)

    async def reconnect():
        again = await YClient(url, name="again").connect()
        assert again.denied  # read-only now
        await again.add_paragraph("sneaky")
        await asyncio.sleep(0.3)
        await again.close()

    run_async(reconnect())
    assert _logged_texts(post, editor) == logged


def test_a_removed_member_is_closed(live, post, editor, room_url):
    url = room_url(live.ws_url, post, editor)
    client, _denied = _closed_after(
        url, lambda: Membership.objects.get(user=editor, workspace=post.workspace).delete(), label="removed"
    )
    assert client.close_code == 4403
    assert client.ws.close_reason == "access to this post has ended"


def test_archiving_closes_the_authors_socket(live, post, writer, publisher, room_url):
    url = room_url(live.ws_url, post, writer)
    client, _denied = _closed_after(url, lambda: post_archive(post=post, user=publisher), label="archived")
    assert client.close_code == 4403
    texts = [t for t in client.texts() if t.startswith("archived")]
    assert texts[0] == "archived before"


def test_a_withdrawn_share_closes_the_guests_socket(live, post, writer, room_url):
    guest = UserFactory(username="gość-訪客")
    post_share(post=post, user=writer, target_user=guest, level=ShareLevel.EDITOR)
    url = room_url(live.ws_url, post, guest)
    client, _denied = _closed_after(url, lambda: post_unshare(post=post, user=writer, target_user=guest), label="guest")
    assert client.close_code == 4403
    assert _logged_texts(post, guest) >= 1  # the edit made while shared stays


def test_the_periodic_recheck_catches_changes_without_events(live, post, editor, room_url, settings):
    settings.ACCESS_RECHECK_SECONDS = 0.3
    url = room_url(live.ws_url, post, editor)
    # A queryset update sends no signal: only the backstop sees it.
    client, _denied = _closed_after(
        url,
        lambda: Membership.objects.filter(user=editor, workspace=post.workspace).update(role=Role.PUBLISHER),
        label="silent",
    )
    assert client.close_code == 4403


def test_the_post_events_socket_closes_when_the_member_is_removed(live, post, editor):
    token = ApiToken.issue(user=editor)[1]
    url = f"{live.ws_url}/ws/posts/{post.pk}/?token={token}"
    board = f"{live.ws_url}/ws/posts/workspace/{post.workspace_id}/?token={token}"

    async def scenario():
        async with websockets.connect(url) as page, websockets.connect(board) as listing:
            await page.send('{"type": "ping"}')
            assert "pong" in await asyncio.wait_for(page.recv(), 5)
            await asyncio.to_thread(lambda: Membership.objects.get(user=editor, workspace=post.workspace).delete())
            for ws in (page, listing):
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    while True:
                        await asyncio.wait_for(ws.recv(), 10)
                assert closed.value.rcvd.code == 4403

    run_async(scenario())
