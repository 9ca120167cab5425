"""In Chromium: documents in many scripts next to formatting open in the live editor exactly as they
were saved, and what is typed there (Cyrillic, emoji, combining marks) is exactly what the server
stores; a comment on a word after an emoji anchors to that word (code point offsets on both sides)."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from apps.collaboration.services import document_build
from apps.posts.document import document_clean, document_to_text, markup_to_document
from apps.posts.document.ydoc import doc_to_json
from apps.posts.models import Comment
from apps.posts.selectors import post_current_body
from apps.posts.services.posts import post_create
from tests.conftest import browser_login
from tests.posts.documents import REGRESSIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAFT = "\n\n".join(
    [
        "## Что случилось",
        "Первый абзац — с тире и «кавычками».",
        "> “This matters,” said the minister — [Reuters](https://example.com/r)",
        *[f"Абзац {i}: текст после цитаты, 👩‍💻 e\u0301." for i in range(8)],
        "- один\n- два",
    ]
)


def _open(page, base_url: str, url: str) -> None:
    page.goto(url)
    expect(page.locator(".collab-status")).to_have_attribute("data-state", "synced")


def _editor_json(page) -> dict:
    return document_clean(page.evaluate("() => window.collab.editor.getJSON()"))


def _wait(predicate, timeout: float = 8.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_documents_open_in_the_editor_exactly_and_typing_is_stored_exactly(live, page, workspace, writer):
    browser_login(page, live.url, "writer")
    for body in [*REGRESSIONS, markup_to_document(DRAFT)]:
        post = post_create(workspace=workspace, user=writer, title="Документ", body_json=body)
        _open(page, live.url, f"{live.url}/app/posts/{post.pk}/")
        assert _editor_json(page) == document_clean(body)
    # Type at the end of the last document: the live log holds exactly what the editor shows.
    page.locator("#editor .ProseMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Ещё 🇺🇦 café, 中文.")
    assert _wait(lambda: document_clean(doc_to_json(document_build(post_id=post.pk))) == _editor_json(page))
    assert post_current_body(post=post)[2] == document_to_text(_editor_json(page))
    assert post_current_body(post=post)[2].endswith("Ещё 🇺🇦 café, 中文.")


def test_a_comment_after_emoji_anchors_to_the_selected_word(live, page, workspace, writer):
    body = {
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": "👨‍👩‍👧‍👦 🇺🇦 Слово важное здесь."}]}],
    }
    post = post_create(workspace=workspace, user=writer, title="Якорь", body_json=body)
    browser_login(page, live.url, "writer")
    _open(page, live.url, f"{live.url}/app/posts/{post.pk}/")
    # Select "важное" through ProseMirror positions (UTF-16 inside), as a mouse selection would.
    page.evaluate(
        """() => {
          const editor = window.collab.editor;
          const text = editor.state.doc.textContent;
          const from = 1 + text.indexOf("важное");
          editor.commands.setTextSelection({ from, to: from + "важное".length });
        }"""
    )
    page.fill("#comment-body", "Источник?")
    page.click("#comment-button")
    assert _wait(lambda: Comment.objects.filter(post=post).exists())
    comment = Comment.objects.get(post=post)
    text = post_current_body(post=post)[2]
    assert comment.anchor_quote == "важное"
    assert text[comment.anchor_start : comment.anchor_end] == "важное"
