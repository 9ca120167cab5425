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


@pytest.mark.browser
def test_add_a_mastodon_hashtag_and_a_drop_rule(asgi_live_server, page, members, workspace, feed_server, settings):
    import json

    from .conftest import Route

    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    statuses = [
        {
            "id": str(n),
            "uri": f"https://social.example/users/a/statuses/{n}",
            "url": f"https://social.example/@a/{n}",
            "created_at": "2026-11-30T10:00:00.000Z",
            "content": f"<p>{text}</p>",
            "account": {"acct": "a"},
            "reblogs_count": n,
            "favourites_count": 10 * n,
            "replies_count": 0,
        }
        for n, text in enumerate(["Выборы: явка рекордная", "Crypto giveaway, click now", "选举结果公布"], start=1)
    ]
    feed_server.handle(
        "/api/v1/timelines/tag/news",
        lambda query, headers: Route(body=json.dumps(statuses).encode(), headers={"Content-Type": "application/json"}),
    )
    browser_login(page, asgi_live_server.url, "editor")
    page.goto(f"{asgi_live_server.url}/app/sources/rules/")
    page.select_option("select[name=field]", "keywords")
    page.fill("input[name=pattern]", "crypto")
    page.click("text=Add rule")
    expect(page.locator("table")).to_contain_text("crypto")
    page.goto(f"{asgi_live_server.url}/app/sources/")
    page.click("summary:has-text('Mastodon')")
    page.fill("input[name=mastodon-instance]", feed_server.base)
    page.select_option("select[name=mastodon-mode]", "hashtag")
    page.fill("input[name=mastodon-target]", "news")
    page.click("form[aria-label=Mastodon] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("#news")
    expect(page.locator(".item-row")).to_have_count(2)
    expect(page.locator("#dropped")).to_contain_text("Dropped by rule")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sources_mastodon_detail.png"), full_page=True)
    page.goto(f"{asgi_live_server.url}/app/sources/")
    page.screenshot(path=str(ARTIFACTS / "sources_list_kinds.png"), full_page=True)
