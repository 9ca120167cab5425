"""Posts services: revisions, optimistic locking, restore, comments, suggestions, notifications."""

from __future__ import annotations

import pytest
from django.core import mail

from apps.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from apps.core.models import AuditEntry
from apps.notifications.models import Kind, Notification
from apps.posts import selectors, services
from apps.posts.models import Comment, Revision, SuggestionState

from .conftest import TEXT, doc_of

pytestmark = pytest.mark.django_db


def test_create_makes_revision_one_with_rendered_body(post, writer):
    assert post.state == "draft" and post.version == 1
    assert post.body_html == f"<p>{TEXT}</p>"
    assert post.body_text == TEXT
    revision = post.revisions.get()
    assert revision.number == 1 and revision.author == writer and revision.body_text == TEXT
    assert AuditEntry.objects.filter(action="post.create", target_id=str(post.pk)).exists()


def test_create_from_html_sanitizes(workspace, writer):
    post = services.post_create(
        workspace=workspace,
        user=writer,
        title="From HTML",
        body_html='<p onclick="x()">Hello <b>world</b><script>alert(1)</script></p><img src="javascript:x">',
    )
    assert "script" not in post.body_html and "onclick" not in post.body_html
    assert post.body_html == "<p>Hello <strong>world</strong></p>"
    assert post.body_json["content"][0]["content"][1]["marks"] == [{"type": "bold"}]
    assert post.body_text == "Hello world"


def test_every_save_is_a_new_revision_and_stale_version_conflicts(post, writer):
    updated = services.post_update(
        post=post, user=writer, expected_version=1, body_json=doc_of("New words"), reason="r1"
    )
    assert updated.version == 2
    assert list(updated.revisions.values_list("number", "reason")) == [(2, "r1"), (1, "Created")]
    with pytest.raises(Conflict):
        services.post_update(post=updated, user=writer, expected_version=1, title="Late")
    assert Revision.objects.filter(post=post).count() == 2
    # A save that changes nothing makes no revision.
    same = services.post_update(post=updated, user=writer, expected_version=2, title=updated.title)
    assert same.version == 2


def test_restore_makes_a_new_revision(post, writer):
    services.post_update(post=post, user=writer, expected_version=1, body_json=doc_of("Second text"))
    first = post.revisions.get(number=1)
    restored = services.revision_restore(post=post, user=writer, revision=first)
    assert restored.number == 3 and "#1" in restored.reason
    post.refresh_from_db()
    assert post.body_text == TEXT
    assert [r.number for r in post.revisions.all()] == [3, 2, 1]


def test_diff_is_word_by_word(post, writer):
    services.post_update(
        post=post, user=writer, expected_version=1, body_json=doc_of(TEXT.replace("quick brown", "slow red"))
    )
    diff = selectors.revision_diff(post=post, old=1, new=2)
    assert "<del>quick</del>" in diff.body.html or "<del>quick brown</del>" in diff.body.html
    assert "<ins>" in diff.body.html and diff.body.inserted_words == 2 and diff.body.deleted_words == 2


def test_writer_cannot_edit_someone_elses_post(make_post, editor, writer):
    theirs = make_post(user=editor)
    with pytest.raises(Forbidden, match="own posts"):
        services.post_update(post=theirs, user=writer, expected_version=1, title="Mine now")
    # An editor may edit anyone's.
    mine = make_post(user=writer)
    assert services.post_update(post=mine, user=editor, expected_version=1, title="Edited").title == "Edited"


def test_outsider_gets_not_found(post, outsider):
    with pytest.raises(NotFound):
        selectors.post_for_user(user=outsider, pk=post.pk)
    with pytest.raises(NotFound):
        services.post_update(post=post, user=outsider, expected_version=1, title="x")
    with pytest.raises(NotFound):
        services.comment_create(post=post, user=outsider, body="hi")


def test_comment_anchor_follows_the_text(post, writer, editor):
    thread = services.comment_create(post=post, user=editor, body="Which fox?", quote="brown fox")
    assert thread.anchor_start == TEXT.index("brown fox")
    new_text = "A new opening sentence. " + TEXT
    services.post_update(post=post, user=writer, expected_version=1, body_json=doc_of(new_text))
    thread.refresh_from_db()
    assert not thread.anchor_lost
    assert new_text[thread.anchor_start : thread.anchor_end] == "brown fox"
    # The quoted words are rewritten: the thread keeps to what is between its context.
    rewritten = new_text.replace("brown fox", "red fox")
    services.post_update(post=post, user=writer, expected_version=2, body_json=doc_of(rewritten))
    thread.refresh_from_db()
    assert not thread.anchor_lost and thread.anchor_quote == "red fox"
    services.post_update(post=post, user=writer, expected_version=3, body_json=doc_of("Something else entirely."))
    thread.refresh_from_db()
    assert thread.anchor_lost


def test_replies_resolve_reopen_and_mentions(
    post, writer, editor, publisher, outsider, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.comment_create(post=post, user=editor, body="@publisher and @outsider look", start=4, end=9)
    assert thread.anchor_quote == "quick"
    assert list(thread.mentions.all()) == [publisher]  # the outsider cannot see the post
    assert Notification.objects.filter(recipient=publisher, kind=Kind.POST_MENTION).exists()
    assert not Notification.objects.filter(recipient=outsider).exists()
    assert any("mentioned you" in m.subject for m in mail.outbox if publisher.email in m.to)
    reply = services.comment_reply(thread=thread, user=writer, body="Fixed")
    assert reply.parent == thread
    assert Notification.objects.filter(recipient=editor, kind=Kind.POST_REPLY).exists()
    services.comment_resolve(comment=reply, user=writer)
    thread.refresh_from_db()
    assert thread.resolved_by == writer
    services.comment_reopen(comment=thread, user=editor)
    thread.refresh_from_db()
    assert thread.resolved_at is None
    with pytest.raises(InvalidInput):
        services.comment_create(post=post, user=editor, body="x", quote="not in the text at all")


def test_suggestion_accept_applies_the_replacement(post, writer, editor):
    suggestion = services.suggestion_create(post=post, user=editor, quote="lazy dog", replacement="sleepy cat")
    # The text moves before the suggestion is accepted.
    services.post_update(post=post, user=writer, expected_version=1, body_json=doc_of("Intro. " + TEXT))
    services.suggestion_accept(suggestion=suggestion, user=writer)
    post.refresh_from_db()
    assert post.body_text == "Intro. " + TEXT.replace("lazy dog", "sleepy cat")
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ACCEPTED and suggestion.decided_by == writer
    assert post.revisions.count() == 3
    with pytest.raises(Conflict):
        services.suggestion_accept(suggestion=suggestion, user=writer)


def test_suggestion_reject_and_who_may_decide(make_post, writer, editor, publisher):
    post = make_post(user=editor)
    suggestion = services.suggestion_create(post=post, user=writer, quote="quick", replacement="fast")
    with pytest.raises(Forbidden):
        services.suggestion_reject(suggestion=suggestion, user=writer)  # the writer cannot edit the editor's post
    services.suggestion_reject(suggestion=suggestion, user=editor, note="keep it")
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.REJECTED
    assert Notification.objects.filter(recipient=writer, kind=Kind.SUGGESTION_REJECTED).exists()


def test_comment_threads_query_count(post, editor, writer, django_assert_num_queries):
    for i in range(5):
        thread = services.comment_create(post=post, user=editor, body=f"c{i}")
        services.comment_reply(thread=thread, user=writer, body="r")
    with django_assert_num_queries(2):
        threads = list(selectors.comment_threads(post=post))
        assert sum(len(t.replies.all()) for t in threads) == 5
    assert Comment.objects.count() == 10


def test_metadata_and_automatic_excerpt(post, writer, editor):
    updated = services.post_update(
        post=post,
        user=writer,
        expected_version=1,
        body_json=doc_of("Completely new text."),
        excerpt=post.excerpt,  # sent back unchanged by the editor page
        tags=["a", " b ", "a"],
        assignee=editor,
    )
    assert updated.excerpt == "Completely new text." and updated.tags == ["a", "b"] and updated.assignee == editor
    assert Notification.objects.filter(recipient=editor, kind=Kind.POST_ASSIGNED).exists()
    written = services.post_update(post=updated, user=writer, expected_version=2, excerpt="Hand-written.")
    again = services.post_update(post=written, user=writer, expected_version=3, body_json=doc_of("Other."))
    assert again.excerpt == "Hand-written."
