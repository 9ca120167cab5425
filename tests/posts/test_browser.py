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
    surface.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _save(page, version: int) -> None:
    page.click("#save-button")
    expect(page.locator("#save-status")).to_contain_text(f"version {version}")


def test_edit_review_revise_approve_history(asgi_live_server, page, chromium, members, workspace):
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
        expect(editor_page.locator(".activity")).to_contain_text("post.approve")
        editor_page.screenshot(path=str(ARTIFACTS / "posts_history.png"), full_page=True)
    finally:
        editor_context.close()

    post = Post.objects.get(pk=post.pk)
    assert post.state == "approved"
    assert post.body_text == "The first draft. More words here. In conclusion, it works."
    assert list(post.revisions.values_list("number", flat=True)) == [3, 2, 1]
    assert editor.pk in post.approvals.values_list("user_id", flat=True)
