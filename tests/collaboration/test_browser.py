"""In Chromium: two people edit the same post at once and converge, each sees the other's named caret
and presence, and a departed person's caret is gone within a second."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _open(page, base_url: str, username: str, url: str) -> None:
    browser_login(page, base_url, username)
    page.goto(url)
    expect(page.locator(".collab-status")).to_have_attribute("data-state", "synced")
    expect(page.locator("#editor .ProseMirror")).to_contain_text("Seed")


def _text(page) -> str:
    return page.evaluate("() => window.collab.editor.getText()")


def test_two_browsers_edit_at_once_and_see_each_other(live, chromium, page, post, writer, editor):
    url = f"{live.url}/app/posts/{post.pk}/"
    writer_name = writer.get_full_name() or writer.username
    editor_name = editor.get_full_name() or editor.username
    _open(page, live.url, "writer", url)

    other_context = chromium.new_context(viewport={"width": 1280, "height": 860})
    other = other_context.new_page()
    other.set_default_timeout(15000)
    try:
        _open(other, live.url, "editor", url)
        expect(page.locator(".collab-presence .collab-person")).to_have_count(2)

        # Both type at the same time: the writer at the end, the editor at the start.
        page.locator("#editor .ProseMirror").click()
        page.keyboard.press("Control+End")
        other.locator("#editor .ProseMirror").click()
        other.keyboard.press("Control+Home")
        for word in ("alpha ", "beta ", "gamma "):
            page.keyboard.type(f"W-{word}")
            other.keyboard.type(f"E-{word}")
        expect(page.locator("#editor .ProseMirror")).to_contain_text("E-alpha E-beta E-gamma")
        expect(other.locator("#editor .ProseMirror")).to_contain_text("W-alpha W-beta W-gamma")
        assert _text(page) == _text(other)
        # Live text is saved as it is typed: the save indicator shows that, not "Unsaved changes".
        expect(page.locator("#save-status")).to_contain_text("Live")
        expect(page.locator("#save-button")).to_have_text("Save version")

        # Each sees the other's named caret.
        expect(page.locator(".collaboration-carets__label", has_text=editor_name)).to_be_visible()
        expect(other.locator(".collaboration-carets__label", has_text=writer_name)).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "collab_two_editors.png"), full_page=True)
    finally:
        other_context.close()
    # The editor left: the server drops their caret and presence at once (well before the 30 s
    # awareness timeout of the clients); a loaded CI box gets a few seconds.
    expect(page.locator(".collaboration-carets__label", has_text=editor_name)).to_have_count(0, timeout=3000)
    expect(page.locator(".collab-presence .collab-person")).to_have_count(1, timeout=3000)
