"""What works, in Chromium: the insights page from a measured history, and the publish panel's best
time ("use" fills the schedule time) and forecast."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from apps.publishing.models import EngagementMetric, Publication, PublicationState
from tests.conftest import ARTIFACTS, browser_login


@pytest.mark.browser
def test_insights_page_and_panel_best_time(asgi_live_server, page, members, workspace, make_post, make_channel):
    cache.clear()
    channel = make_channel("mastodon", name="Mastodon")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 14)
    for i in range(24):
        hour = 9 if i % 3 == 0 else 16
        when = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=i % 7), dt.time(hour)))
        publication = Publication.objects.create(
            workspace=workspace,
            post=make_post(title=f"Story {i}"),
            channel=channel,
            state=PublicationState.PUBLISHED,
            due_at=when,
            next_attempt_at=when,
            published_at=when,
            content={"parts": ["x" * (100 + 10 * i)], "media": []},
        )
        EngagementMetric.objects.create(publication=publication, measured_at=when, likes=50 if hour == 9 else 10)
    post = make_post(title="Наводнения в Европе")
    browser_login(page, asgi_live_server.url, "publisher")
    page.goto(f"{asgi_live_server.url}/app/publishing/insights/")
    expect(page.locator(".forecast-quality")).to_contain_text("cross-validated")
    expect(page.locator(f'tr[data-channel="{channel.pk}"]')).to_contain_text("09:00")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "insights_page.png"), full_page=True)

    page.goto(f"{asgi_live_server.url}/app/publishing/posts/{post.pk}/panel/")
    page.get_by_label("Mastodon").check()
    use = page.locator("[data-use-time]")
    expected = use.get_attribute("data-use-time")
    use.click()
    expect(page.locator('input[name="due_at"]')).to_have_value(expected)
    expect(page.locator('input[name="when"][value="later"]')).to_be_checked()
    expect(page.locator("[data-forecast]")).to_contain_text("Forecast for")
    page.screenshot(path=str(ARTIFACTS / "panel_best_time.png"), full_page=True)
