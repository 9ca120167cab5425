"""The bell and the notifications page in Chromium: a failure shows as an unread count, the page lists
it in words, opening it marks it read and the bell goes quiet."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from apps.notifications import services
from tests.conftest import ARTIFACTS, browser_login


@pytest.mark.browser
def test_bell_page_and_mark_read(asgi_live_server, page, members, workspace, publisher):
    for pk, title in ((7, "Наводнения в Европе"), (8, "東京の洪水")):
        publication = SimpleNamespace(
            pk=pk,
            workspace_id=workspace.pk,
            post=SimpleNamespace(title=title),
            channel=SimpleNamespace(name="Mastodon"),
            last_error="Connection refused",
            created_by=None,
        )
        services.publication_problem(publication=publication)
        services.publication_problem(publication=publication)
    services.source_failing(
        source=SimpleNamespace(pk=3, workspace_id=workspace.pk, name="Feed", url="", last_error="HTTP 503"),
        hours=9,
        since=None,
    )
    browser_login(page, asgi_live_server.url, "publisher")
    bell = page.locator("a.bell")
    expect(bell).to_have_attribute("data-unread", "2")
    expect(bell).to_have_attribute("aria-label", "Notifications: 2 unread")
    bell.click()
    expect(page.locator(".alert-row")).to_have_count(2)
    expect(page.locator(".alert-row").first).to_contain_text("2 times")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notifications_page.png"), full_page=True)
    page.locator(".alert-row").first.get_by_role("button", name="Mark as read").click()
    expect(page.locator("a.bell")).to_have_attribute("data-unread", "1")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("a.bell")).to_have_attribute("data-unread", "0")
    page.goto(f"{asgi_live_server.url}/app/notifications/?unread=1")
    expect(page.locator(".empty-state")).to_contain_text("Nothing unread")
