"""History around the live document: Revision snapshots (idle, workflow transition), restoring a
revision as a forward edit that live editors receive, and saves from outside the live editor."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from apps.collaboration.services import document_build, document_snapshot
from apps.posts.document import document_to_text
from apps.posts.document.ydoc import doc_to_json
from apps.posts.models import Post, Revision

from .conftest import run_async
from .ycli import YClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _in_thread(fn, **kwargs):
    # The services run after-commit broadcasts through async_to_sync: keep them off any event loop.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, **kwargs).result()


def test_idle_room_is_snapshotted_into_a_revision(live, post, writer, room_url):
    url = room_url(live.ws_url, post, writer)
    before = Revision.objects.filter(post=post).count()

    async def scenario():
        client = await YClient(url).connect()
        await client.add_paragraph("Written live")
        await asyncio.sleep(0.1)
        await client.close()

    run_async(scenario())
    deadline = 50
    while Revision.objects.filter(post=post).count() == before and deadline:
        time.sleep(0.1)
        deadline -= 1
    post.refresh_from_db()
    assert "Written live" in post.body_text
    newest = Revision.objects.filter(post=post).order_by("-number").first()
    assert "Written live" in newest.body_text
    assert newest.author == writer
    # Nothing changed since: no second snapshot.
    assert document_snapshot(post_id=post.pk, reason="idle") is None


def test_restoring_a_revision_is_a_forward_edit_in_the_live_document(live, post, writer, editor, room_url):
    from apps.posts.services.posts import revision_restore

    first = Revision.objects.get(post=post, number=1)  # made by post_create: the text "Seed"
    url = room_url(live.ws_url, post, editor)

    async def edit():
        client = await YClient(url, name="editor").connect()
        await client.add_paragraph("Second thoughts")
        await asyncio.sleep(0.2)
        return client

    async def restore_and_watch(client):
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: _in_thread(revision_restore, post=Post.objects.get(pk=post.pk), user=writer, revision=first)
        )
        await client.wait_for(lambda: client.texts() == ["Seed"], timeout=5)
        await client.close()

    async def scenario():
        client = await edit()
        # The snapshot makes the live text a revision first, then the restore goes back to "Seed".
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: _in_thread(document_snapshot, post_id=post.pk, reason="activity")
        )
        await restore_and_watch(client)

    run_async(scenario())
    assert document_to_text(doc_to_json(document_build(post_id=post.pk))) == "Seed"
    reasons = list(Revision.objects.filter(post=post).order_by("number").values_list("reason", flat=True))
    assert any("Restored" in reason for reason in reasons)


def test_workflow_transition_snapshots_the_live_text(live, post, writer, room_url):
    from apps.posts.services.workflow import post_submit

    url = room_url(live.ws_url, post, writer)

    async def scenario():
        client = await YClient(url).connect()
        await client.add_paragraph("Ready for review")
        await asyncio.sleep(0.1)
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: _in_thread(post_submit, post=Post.objects.get(pk=post.pk), user=writer)
        )
        await client.close()

    run_async(scenario())
    post.refresh_from_db()
    assert post.state == "in_review"
    assert "Ready for review" in post.body_text
