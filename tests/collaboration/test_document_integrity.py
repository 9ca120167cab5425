"""What an editor writes is exactly what is stored, edited live and published: the observations of
the document-integrity issue, each as a test through the real services (and the log a room writes)."""

from __future__ import annotations

import pytest

from apps.collaboration.models import DocumentUpdate
from apps.collaboration.services import document_build, document_load, document_snapshot
from apps.core.errors import Conflict
from apps.posts.document import document_clean, document_to_text, markup_to_document, render_body
from apps.posts.document.ydoc import doc_from_json, doc_replace_with_json, doc_to_json
from apps.posts.models import Post, PostState
from apps.posts.selectors import post_current_body
from apps.posts.services import suggestions as suggestion_services
from apps.posts.services import workflow
from apps.posts.services.posts import post_create, post_update, revision_restore
from tests.posts.documents import REGRESSIONS

pytestmark = pytest.mark.django_db

RUSSIAN = REGRESSIONS[0]
RUSSIAN_TEXT = "Привет, жирный и обычный текст. Конец."


def _para(text: str) -> dict:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def _doc(*texts: str) -> dict:
    return {"type": "doc", "content": [_para(t) for t in texts]}


def live_text(post: Post) -> str:
    return document_to_text(doc_to_json(document_build(post_id=post.pk)))


def type_live(post: Post, body: dict, user=None) -> None:
    """What the room server does with an editor's keystrokes: the update goes into the log."""
    doc = document_build(post_id=post.pk)
    before = doc.get_state()
    doc_replace_with_json(doc, body)
    DocumentUpdate.objects.create(post_id=post.pk, user=user, data=doc.get_update(before))


def test_russian_with_one_bold_word_is_the_same_live_saved_and_published(workspace, writer):
    post = post_create(workspace=workspace, user=writer, title="Новости", body_json=RUSSIAN)
    document_load(post_id=post.pk)  # opened live: the shared document is seeded from the body
    assert live_text(post) == RUSSIAN_TEXT
    assert document_clean(doc_to_json(document_build(post_id=post.pk))) == document_clean(RUSSIAN)
    # What the site and webhooks get is the current body (the live one).
    _doc_json, html, text = post_current_body(post=post)
    assert text == RUSSIAN_TEXT and "<strong>жирный</strong>" in html
    assert document_snapshot(post_id=post.pk, reason="idle") is None  # nothing differs


def test_an_ai_draft_is_whole_in_the_live_editor_and_a_shorter_suggestion_cuts_only_its_range(
    workspace, writer, editor, django_capture_on_commit_callbacks
):
    markup = "\n\n".join(
        [
            "## Что случилось",
            "Первый абзац — с тире и «кавычками».",
            "> “This matters,” said the minister — [Reuters](https://example.com/r)",
            *[f"Абзац {i}: после цитаты текст продолжается, 👩‍💻 и ещё слова." for i in range(12)],
        ]
    )
    post = post_create(workspace=workspace, user=writer, title="Draft", body_json=markup_to_document(markup))
    document_load(post_id=post.pk)
    assert live_text(post) == post.body_text
    assert "Абзац 11" in live_text(post)
    before = len(post.body_text)
    quote = "после цитаты текст продолжается, 👩‍💻 и ещё слова."
    suggestion = suggestion_services.suggestion_create(
        post=post, user=editor, replacement="коротко.", quote=quote, prefix="Абзац 3: "
    )
    with django_capture_on_commit_callbacks(execute=True):
        suggestion_services.suggestion_accept(suggestion=suggestion, user=writer)
    post.refresh_from_db()
    assert len(post.body_text) == before - len(quote) + len("коротко.")
    assert "Абзац 3: коротко." in post.body_text and "Абзац 11" in post.body_text
    assert live_text(post) == post.body_text


def test_a_restore_is_not_undone_by_the_snapshot_at_the_next_transition(
    workspace, writer, django_capture_on_commit_callbacks
):
    post = post_create(workspace=workspace, user=writer, title="Restore", body_json=RUSSIAN)
    first = post.revisions.get(number=1)
    document_load(post_id=post.pk)
    type_live(post, _doc("Совсем другой текст, набранный вживую."), user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        document_snapshot(post_id=post.pk, reason="activity")
    with django_capture_on_commit_callbacks(execute=True):
        revision_restore(post=Post.objects.get(pk=post.pk), user=writer, revision=first)
    assert live_text(post) == RUSSIAN_TEXT
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_submit(post=Post.objects.get(pk=post.pk), user=writer)
    post.refresh_from_db()
    assert post.body_text == RUSSIAN_TEXT
    assert post.revisions.order_by("-number").first().reason.startswith("Restored")


def test_saving_while_others_type_keeps_their_keystrokes(workspace, writer, django_capture_on_commit_callbacks):
    """Ctrl+S takes the live text as the new version; the save must not be written back over what is
    typed after it was read."""
    post = post_create(workspace=workspace, user=writer, title="Typing", body_json=_doc("One.", "Two."))
    document_load(post_id=post.pk)
    type_live(post, _doc("One.", "Two more words here"), user=writer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_update(post=post, user=writer, expected_version=None, title="Typing!", reason="Save version")
    type_live(post, _doc("One.", "Two more words here."), user=writer)  # the "." typed meanwhile
    for callback in callbacks:
        callback()
    assert live_text(post) == "One.\nTwo more words here."
    post.refresh_from_db()
    assert post.body_text == "One.\nTwo more words here"


def test_accepting_a_suggestion_while_others_type_keeps_both(
    workspace, writer, editor, django_capture_on_commit_callbacks
):
    post = post_create(workspace=workspace, user=writer, title="Both", body_json=_doc("Первый абзац.", "Второй абзац."))
    document_load(post_id=post.pk)
    suggestion = suggestion_services.suggestion_create(post=post, user=editor, replacement="Один", quote="Первый")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        suggestion_services.suggestion_accept(suggestion=suggestion, user=writer)
    type_live(post, _doc("Первый абзац.", "Второй абзац, дописанный 🇺🇦."), user=writer)
    for callback in callbacks:
        callback()
    assert live_text(post) == "Один абзац.\nВторой абзац, дописанный 🇺🇦."


def test_an_api_edit_based_on_the_saved_body_keeps_the_live_paragraphs(
    workspace, writer, django_capture_on_commit_callbacks
):
    post = post_create(workspace=workspace, user=writer, title="API", body_json=_doc("Alpha.", "Beta."))
    document_load(post_id=post.pk)
    type_live(post, _doc("Alpha.", "Beta.", "Gamma typed live."), user=writer)
    with django_capture_on_commit_callbacks(execute=True):
        post_update(post=post, user=writer, expected_version=post.version, body_json=_doc("Alpha edited.", "Beta."))
    assert live_text(post) == "Alpha edited.\nBeta.\nGamma typed live."


def test_a_change_after_approval_sends_the_post_back_to_review(
    workspace, writer, editor, publisher, django_capture_on_commit_callbacks
):
    post = post_create(workspace=workspace, user=writer, title="Reviewed", body_json=_doc("Approved text."))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_submit(post=post, user=writer)
        workflow.post_approve(post=Post.objects.get(pk=post.pk), user=editor)
    post = Post.objects.get(pk=post.pk)
    assert post.state == PostState.APPROVED
    round_before = post.review_round
    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(post=post, user=writer, expected_version=post.version, body_json=_doc("Unreviewed text."))
    assert post.state == PostState.IN_REVIEW and post.review_round == round_before + 1
    with pytest.raises(Conflict):
        workflow.post_publish(post=Post.objects.get(pk=post.pk), user=publisher)
    # Details that were not reviewed (tags) do not reopen the review.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_approve(post=Post.objects.get(pk=post.pk), user=editor)
    post = post_update(post=Post.objects.get(pk=post.pk), user=writer, expected_version=None, tags=["новости"])
    assert post.state == PostState.APPROVED


def test_render_body_and_the_live_document_agree_on_every_regression():
    for doc in REGRESSIONS:
        _clean, _html, text = render_body(body_json=doc)
        assert document_to_text(doc_to_json(doc_from_json(document_clean(doc)))) == text


def test_a_snapshot_whose_last_editor_left_the_workspace_is_skipped(workspace, writer, editor):
    """The last editor no longer sees the post (their membership went): the snapshot is skipped with a
    warning, as for one who may still read but not edit, instead of failing with NotFound."""
    post = post_create(workspace=workspace, user=writer, title="Left", body_json=RUSSIAN)
    document_load(post_id=post.pk)
    type_live(post, _doc("Текст того, кто ушёл."), user=editor)
    editor.memberships.all().delete()
    assert document_snapshot(post_id=post.pk, reason="idle") is None
    post.refresh_from_db()
    assert post.body_text == RUSSIAN_TEXT


def test_a_snapshot_with_no_one_to_record_it_as_is_skipped(workspace, writer):
    """A post whose author account is gone and whose live edits carry no user: nothing to save it as."""
    post = post_create(workspace=workspace, user=writer, title="Orphan", body_json=RUSSIAN)
    document_load(post_id=post.pk)
    type_live(post, _doc("Правка без автора."))
    Post.objects.filter(pk=post.pk).update(author=None)
    assert document_snapshot(post_id=post.pk, reason="idle") is None
