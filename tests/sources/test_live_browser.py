"""The source pages in Chromium update by themselves: "Fetch now" against a local feed server changes
the item count without a reload, and so does a scheduled fetch on the sources list."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect

from apps.sources import services
from apps.sources.models import Source
from tests.conftest import ARTIFACTS, browser_login

from .conftest import rss

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENTRIES = [
    {"title": "«Ёлки» и “quotes” — выпуск № 1", "link": "https://news.example.org/a/1", "guid": "a1"},
    {"title": "Ελληνικά 📰 中文 עברית", "link": "https://news.example.org/a/2", "guid": "a2"},
    {"title": "👩🏽‍💻 e\u0301te\u0301 — third", "link": "https://news.example.org/a/3", "guid": "a3"},
]


def _in_thread(work):
    # Playwright's sync API keeps an event loop in this thread; the fetch and its event get their own.
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)


def test_fetch_now_updates_the_detail_page_without_a_reload(
    asgi_live_server, page, members, workspace, feed_server, allow_private
):
    url = feed_server.add("/news.xml", rss(ENTRIES[:2], title="Вести"))
    source = Source.objects.create(workspace=workspace, url=url, name="Вести")
    base = asgi_live_server.url
    browser_login(page, base, "editor")
    page.goto(f"{base}/app/sources/{source.pk}/")
    page.wait_for_selector("#live-status.connected")
    expect(page.locator("#source-item-count")).to_have_text("0")
    page.evaluate("() => { window.stayed = true; }")
    page.click("#source-fetch-now")
    expect(page.locator("#source-item-count")).to_have_text("2", timeout=15000)
    expect(page.locator("main [role=status]")).to_contain_text("this page updates by itself")
    expect(page.locator("#source-live .item-row")).to_have_count(2)
    assert page.evaluate("() => window.stayed === true"), "the page reloaded"
    expect(page.locator("#source-fetch-now")).to_be_focused()
    page.screenshot(path=str(ARTIFACTS / "sources-live-detail.png"), full_page=True)

    feed_server.add("/news.xml", rss(ENTRIES, title="Вести"))
    page.click("#source-fetch-now")
    expect(page.locator("#source-item-count")).to_have_text("3", timeout=15000)
    assert page.evaluate("() => window.stayed === true")


def test_a_scheduled_fetch_updates_the_sources_list(
    asgi_live_server, page, members, workspace, feed_server, allow_private
):
    url = feed_server.add("/wire.xml", rss(ENTRIES, title="Wire"))
    source = Source.objects.create(workspace=workspace, url=url, name="Wire")
    base = asgi_live_server.url
    browser_login(page, base, "writer")
    page.goto(f"{base}/app/sources/")
    page.wait_for_selector("#live-status.connected")
    row = page.locator(f'tr[data-source-id="{source.pk}"] td.source-items')
    expect(row).to_have_text("0")
    page.evaluate("() => { window.stayed = true; }")

    def tick():
        for source_id in services.sources_claim_due():
            services.source_fetch(source_id=source_id)

    _in_thread(tick)
    expect(row).to_have_text("3", timeout=15000)
    assert page.evaluate("() => window.stayed === true"), "the page reloaded"
    page.screenshot(path=str(ARTIFACTS / "sources-live-list.png"), full_page=True)
