"""The Sources page in Chromium: add a web page by URL (feed discovered), see items, search the stream."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, browser_login

from .conftest import rss


@pytest.mark.browser
def test_add_by_url_then_search_the_stream(asgi_live_server, page, members, workspace, feed_server, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    feed_server.add(
        "/feed.xml",
        rss(
            [
                {
                    "title": "Harbour bridge reopens after repairs",
                    "link": "https://e.com/bridge",
                    "description": "<p>The bridge reopened on Friday.</p><script>alert(1)</script>",
                },
                {"title": "Library extends opening hours", "link": "https://e.com/library"},
            ],
            title="Harbour Gazette",
        ),
    )
    feed_server.add(
        "/",
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>',
        headers={"Content-Type": "text/html"},
    )
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_login(page, asgi_live_server.url, "editor")
    page.goto(f"{asgi_live_server.url}/app/sources/")
    page.fill("input[name=url]", feed_server.url("/"))
    page.click("form.toolbar button[type=submit]")
    expect(page.locator("h1")).to_have_text("Harbour Gazette")
    expect(page.locator(".item-row")).to_have_count(2)
    page.goto(f"{asgi_live_server.url}/app/sources/")
    expect(page.locator(".sources-table tbody tr")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sources_list.png"), full_page=True)
    page.goto(f"{asgi_live_server.url}/app/sources/items/?q=bridge")
    expect(page.locator(".item-row")).to_have_count(1)
    page.click("text=Harbour bridge reopens after repairs")
    expect(page.locator(".item-html")).to_contain_text("The bridge reopened on Friday.")
    expect(page.locator("a.button", has_text="Write a post from this item")).to_have_attribute(
        "href", f"/app/generate/?item={page.url.rstrip('/').rsplit('/', 1)[1]}"
    )
    assert dialogs == []
