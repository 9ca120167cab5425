"""The calendar in Chromium: drag a scheduled publication to another day, see a refused move explained,
and move one with the keyboard in the week view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.publishing.models import Publication
from apps.publishing.services import publication_schedule
from tests.conftest import ARTIFACTS, browser_login


def _at(day: dt.date, hour: int, minute: int = 30) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.mark.browser
def test_reschedule_by_drag_refusal_and_keyboard(asgi_live_server, page, members, publisher, make_post, make_channel):
    # Next month, so every day used here is in the future and on one page.
    first = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    day = first + dt.timedelta(days=2)
    day += dt.timedelta(days=-day.weekday() % 7)  # a Monday: the week view below holds day+1 and day+2
    channel = make_channel("webhook", name="Webhook ✓")
    [movable] = publication_schedule(
        user=publisher, post=make_post(title="Наводнения в Европе"), channels=[channel], due_at=_at(day, 10)
    )
    [embargoed] = publication_schedule(
        user=publisher,
        post=make_post(title="Embargoed report"),
        channels=[channel],
        due_at=_at(day, 12),
        not_before=_at(day + dt.timedelta(days=4), 8),
    )
    browser_login(page, asgi_live_server.url, "publisher")
    page.goto(f"{asgi_live_server.url}/app/publishing/calendar/?month={first:%Y-%m}")
    target = page.locator(f'td[data-date="{day + dt.timedelta(days=1):%Y-%m-%d}"]')
    item = page.locator(f'.cal-item[data-publication="{movable.pk}"]')
    item.drag_to(target)
    expect(target.locator(f'.cal-item[data-publication="{movable.pk}"]')).to_be_visible()
    expect(page.locator("#calendar-status")).to_contain_text("Moved to")
    movable.refresh_from_db()
    assert timezone.localtime(movable.due_at) == _at(day + dt.timedelta(days=1), 10)

    page.locator(f'.cal-item[data-publication="{embargoed.pk}"]').drag_to(target)
    expect(page.locator("#calendar-error")).to_contain_text("embargo")
    expect(page.locator(f'td[data-date="{day:%Y-%m-%d}"] .cal-item[data-publication="{embargoed.pk}"]')).to_be_visible()
    assert Publication.objects.get(pk=embargoed.pk).due_at == _at(day, 12)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "calendar_month_refused.png"), full_page=True)

    # Week view, keyboard only: the ⇅ button, Enter, one hour later, one day later, Enter.
    page.goto(f"{asgi_live_server.url}/app/publishing/calendar/?view=week&week={day + dt.timedelta(days=1):%Y-%m-%d}")
    button = page.locator(f'.cal-item[data-publication="{movable.pk}"] .cal-move')
    button.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#calendar-status")).to_contain_text("11:00")
    page.keyboard.press("Enter")
    expect(page.locator("#calendar-status")).to_contain_text("Moved to")
    movable.refresh_from_db()
    assert timezone.localtime(movable.due_at) == _at(day + dt.timedelta(days=2), 11)
    cell = page.locator(f'td[data-date="{day + dt.timedelta(days=2):%Y-%m-%d}"][data-hour="11"]')
    expect(cell.locator(f'.cal-item[data-publication="{movable.pk}"]')).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "calendar_week_keyboard.png"), full_page=True)
