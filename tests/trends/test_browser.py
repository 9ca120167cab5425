"""The dashboard in Chromium: it connects to /ws/trends/ and re-renders itself when scores change."""

from __future__ import annotations

import threading

import pytest

from apps.trends.services import items_assign_to_trends, trends_rank
from tests.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dashboard_auto_refreshes_over_the_websocket(asgi_live_server, page, members, workspace, story_items):
    sources, items = story_items
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/trends/")
    assert "No trends yet" in page.content()
    page.wait_for_selector("#live-status.connected")

    def work():
        # Playwright's sync API keeps an event loop in this thread; the broadcast needs its own thread.
        items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
        trends_rank(workspace_id=workspace.pk)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(30)
    page.wait_for_selector(".trend-row", timeout=10000)
    assert page.locator(".trend-row").count() == 3
    assert page.locator(".trend-row svg.sparkline").count() == 3
    assert "Helio" in page.locator(".trend-row .trend-title").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "trends-dashboard.png"), full_page=True)
    page.click(".trend-row .trend-title >> nth=0")
    page.wait_for_selector("svg.timeline")
    assert page.locator("#write-post").get_attribute("href").startswith("/app/generate/?trend=")
