"""In Chromium: a writer edits a post in the Tiptap editor and submits it, an editor requests changes,
the writer revises and resubmits, the editor approves, and the history shows the word-by-word diff."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from apps.posts import services
from apps.posts.models import Post
from tests.conftest import ARTIFACTS, browser_login

from .conftest import doc_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_at_end(page, text: str) -> None:
    surface = page.locator("#editor .ProseMirror")
    expect(surface).to_have_attribute("contenteditable", "true")  # the live document has synced
    surface.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _save(page, version: int) -> None:
    page.click("#save-button")
    expect(page.locator("#save-status")).to_contain_text(f"version {version}")


def test_edit_review_revise_approve_history(fresh_channel_layer, asgi_live_server, page, chromium, members, workspace):
    writer, editor = members["writer"], members["editor"]
    # Playwright runs an event loop in this thread; the service's after-commit broadcast needs its own.
    with ThreadPoolExecutor(1) as pool:
        post = pool.submit(
            services.post_create,
            workspace=workspace,
            user=writer,
            title="Browser post",
            body_json=doc_of("The first draft."),
        ).result()
    url = f"{asgi_live_server.url}/app/posts/{post.pk}/"

    # The writer edits and submits.
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(url)
    expect(page.locator("#editor .ProseMirror")).to_contain_text("The first draft.")
    _type_at_end(page, " More words here.")
    _save(page, 2)
    page.click("button[data-transition=submit]")
    expect(page.locator("#post-state")).to_have_attribute("data-state", "in_review")

    # The editor requests changes, with a note.
    editor_context = chromium.new_context(viewport={"width": 1280, "height": 860})
    editor_page = editor_context.new_page()
    editor_page.set_default_timeout(15000)
    try:
        browser_login(editor_page, asgi_live_server.url, "editor")
        editor_page.goto(url)
        expect(editor_page.locator("button[data-transition=approve]")).to_be_visible()
        editor_page.fill("form[data-action=request_changes] input[name=note]", "Add a conclusion")
        editor_page.click("button[data-transition=request_changes]")
        expect(editor_page.locator("#post-state")).to_have_attribute("data-state", "changes_requested")

        # The writer revises and resubmits.
        page.reload()
        expect(page.locator("#post-state")).to_have_attribute("data-state", "changes_requested")
        _type_at_end(page, " In conclusion, it works.")
        page.fill("#save-reason", "Added a conclusion")
        _save(page, 3)
        page.click("button[data-transition=submit]")
        expect(page.locator("#post-state")).to_have_attribute("data-state", "in_review")

        # The editor approves.
        editor_page.reload()
        editor_page.click("button[data-transition=approve]")
        expect(editor_page.locator("#post-state")).to_have_attribute("data-state", "approved")

        # The history shows every revision and what changed.
        editor_page.goto(f"{url}history/")
        expect(editor_page.locator(".revision-row")).to_have_count(3)
        expect(editor_page.locator(".revisions")).to_contain_text("Added a conclusion")
        expect(editor_page.locator("#diff ins")).to_contain_text(re.compile("conclusion"))
        expect(editor_page.locator(".activity")).to_contain_text("Approved a post")  # the action in words, not its code
        editor_page.screenshot(path=str(ARTIFACTS / "posts_history.png"), full_page=True)
    finally:
        editor_context.close()

    post = Post.objects.get(pk=post.pk)
    assert post.state == "approved"
    assert post.body_text == "The first draft. More words here. In conclusion, it works."
    assert list(post.revisions.values_list("number", flat=True)) == [3, 2, 1]
    assert editor.pk in post.approvals.values_list("user_id", flat=True)


def _select(page, quote: str) -> None:
    """Select the first occurrence of quote in the (single-paragraph) editor document."""
    page.evaluate(
        """(quote) => {
            const editor = window.postPage.editor;
            const at = editor.state.doc.textContent.indexOf(quote);
            editor.commands.setTextSelection({ from: at + 1, to: at + 1 + quote.length });
        }""",
        quote,
    )


def test_board_drag_comments_and_suggestions(fresh_channel_layer, asgi_live_server, page, members, workspace):
    writer, editor = members["writer"], members["editor"]
    with ThreadPoolExecutor(1) as pool:
        draft = pool.submit(
            services.post_create, workspace=workspace, user=writer, title="Drag me", body_json=doc_of("Short.")
        ).result()
        waiting = pool.submit(
            services.post_create,
            workspace=workspace,
            user=writer,
            title="Waiting review",
            body_json=doc_of("The quick brown fox jumps over the lazy dog."),
        ).result()
        pool.submit(services.post_submit, post=waiting, user=writer).result()

    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/posts/board/")
    card = page.locator(f'.board-card[data-post-id="{draft.pk}"]')
    card.drag_to(page.locator('.board-column[data-state="in_review"]'))
    expect(page.locator('.board-column[data-state="in_review"]')).to_contain_text("Drag me")
    # A writer may not approve: the server's reason is shown and the card stays.
    page.locator(f'.board-card[data-post-id="{waiting.pk}"]').drag_to(
        page.locator('.board-column[data-state="approved"]')
    )
    expect(page.locator("#board-status")).to_contain_text("Only editors and admins can approve")
    expect(page.locator('.board-column[data-state="in_review"]')).to_contain_text("Waiting review")
    assert Post.objects.get(pk=draft.pk).state == "in_review"

    # Comments anchored to a selection, highlighted in the text; a suggestion accepted into the text.
    page.goto(f"{asgi_live_server.url}/app/posts/{waiting.pk}/")
    expect(page.locator("#editor .ProseMirror")).to_contain_text("lazy dog")
    _select(page, "brown fox")
    page.fill("#comment-body", "Which fox? @editor")
    page.click("#comment-button")
    expect(page.locator("#threads .thread")).to_have_count(1)
    expect(page.locator("#threads .anchor-quote")).to_have_text("brown fox")
    expect(page.locator(".anchor-highlight.comment")).to_have_text("brown fox")
    _select(page, "lazy dog")
    page.click(".suggest summary")
    page.fill("#suggestion-text", "sleepy cat")
    page.click("#suggest-button")
    expect(page.locator("#suggestions .suggestion")).to_have_count(1)
    page.click("#suggestions button:has-text('Accept')")
    expect(page.locator("#editor .ProseMirror")).to_contain_text("the sleepy cat.")
    expect(page.locator("#suggestions")).to_contain_text("No open suggestions")
    waiting.refresh_from_db()
    assert waiting.body_text == "The quick brown fox jumps over the sleepy cat."
    assert waiting.comments.get().mentions.filter(pk=editor.pk).exists()
