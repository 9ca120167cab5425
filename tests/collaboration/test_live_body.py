"""The live document is the post's current text: comments anchor to it, accepted suggestions and new
versions start from it, and a server-side change replaces only the blocks that differ (so what
others are typing elsewhere in the post is kept)."""

from __future__ import annotations

import pytest
from pycrdt import Doc, XmlFragment

from apps.collaboration.models import DocumentUpdate
from apps.collaboration.services import document_build, document_load
from apps.posts.document import document_to_text
from apps.posts.document.ydoc import FRAGMENT, doc_replace_with_json, doc_to_json
from apps.posts.models import Post, PostState
from apps.posts.services import comments as comment_services
from apps.posts.services import suggestions as suggestion_services
from apps.posts.services.posts import post_update

from ..factories import make_post

pytestmark = pytest.mark.django_db


def _para(text: str) -> dict:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def _doc(*texts: str) -> dict:
    return {"type": "doc", "content": [_para(t) for t in texts]}


@pytest.fixture
def live_post(workspace, writer):
    post = make_post(
        workspace=workspace,
        user=writer,
        title="Floods",
        text=("The quick brown fox.", "Jumps over the lazy dog."),
        state=PostState.IN_REVIEW,
    )
    document_load(post_id=post.pk)  # someone opened it live: the log is seeded
    return post


def _type_live(post: Post, body: dict, user=None) -> None:
    """What the room server does with an editor's keystrokes: the update goes into the log."""
    doc = document_build(post_id=post.pk)
    before = doc.get_state()
    doc_replace_with_json(doc, body)
    DocumentUpdate.objects.create(post_id=post.pk, user=user, data=doc.get_update(before))


def test_a_comment_can_quote_text_only_the_live_document_has(live_post, editor):
    _type_live(live_post, _doc("The quick brown fox.", "Jumps over the lazy dog.", "Typed a moment ago."))
    comment = comment_services.comment_create(post=live_post, user=editor, body="Source?", quote="a moment ago")
    assert comment.anchor_quote == "a moment ago"
    assert not comment.anchor_lost


def test_accepting_a_suggestion_keeps_the_live_edits(live_post, writer, editor, django_capture_on_commit_callbacks):
    suggestion = suggestion_services.suggestion_create(
        post=live_post, user=editor, replacement="sleepy cat", quote="lazy dog"
    )
    _type_live(live_post, _doc("Breaking:", "The quick brown fox.", "Jumps over the lazy dog."), user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_services.suggestion_accept(suggestion=suggestion, user=editor)
    live_post.refresh_from_db()
    assert live_post.body_text == "Breaking:\nThe quick brown fox.\nJumps over the sleepy cat."
    assert document_to_text(doc_to_json(document_build(post_id=live_post.pk))) == live_post.body_text


def test_saving_the_title_records_the_live_text_and_leaves_the_live_document_alone(
    live_post, writer, django_capture_on_commit_callbacks
):
    _type_live(live_post, _doc("The quick brown fox.", "Jumps over the lazy dog.", "Live line."), user=writer)
    rows = DocumentUpdate.objects.filter(post=live_post).count()
    with django_capture_on_commit_callbacks(execute=True):
        updated = post_update(post=live_post, user=writer, expected_version=None, title="Floods, again", reason="Title")
    assert updated.body_text.endswith("Live line.")
    assert updated.revisions.order_by("-number").first().body_text.endswith("Live line.")
    assert DocumentUpdate.objects.filter(post=live_post).count() == rows  # nothing written back
    assert document_to_text(doc_to_json(document_build(post_id=live_post.pk))).endswith("Live line.")


def test_a_server_side_change_replaces_only_the_blocks_that_differ():
    server = Doc()
    doc_replace_with_json(server, _doc("One.", "Two.", "Three."))
    client = Doc()
    client.apply_update(server.get_update())
    # A person types into the third paragraph while the server rewrites the first one.
    third = client.get(FRAGMENT, type=XmlFragment).children[2].children[0]
    third.insert(len(str(third)), " And more")
    doc_replace_with_json(server, _doc("One, rewritten.", "Two.", "Three."))
    server.apply_update(client.get_update(server.get_state()))
    client.apply_update(server.get_update(client.get_state()))
    expected = _doc("One, rewritten.", "Two.", "Three. And more")
    assert doc_to_json(server) == expected
    assert doc_to_json(client) == expected


def test_what_is_published_is_the_live_text(live_post, writer):
    from apps.publishing.services import post_content

    _type_live(live_post, _doc("The quick brown fox.", "Jumps over the lazy dog.", "Last-minute line."), user=writer)
    content = post_content(post=live_post)
    assert content.text.endswith("Last-minute line.")
    assert "<p>Last-minute line.</p>" in content.html
