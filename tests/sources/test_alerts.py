"""The hourly check: a source that has failed every fetch for SOURCES_FAILING_ALERT_HOURS hours is
reported to whoever manages sources, once per failing streak."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.notifications.models import Kind, Notification
from apps.sources.alerts import sources_report_failing
from apps.sources.models import Source

pytestmark = pytest.mark.django_db


def _source(workspace, **kwargs):
    return Source.objects.create(workspace=workspace, url=f"https://example.com/{kwargs['name']}/feed", **kwargs)


def test_a_source_failing_for_hours_is_reported_once_per_streak(workspace, members, editor, writer, settings):
    settings.SOURCES_FAILING_ALERT_HOURS = 6
    now = timezone.now()
    failing = _source(
        workspace,
        name="Новости",
        consecutive_failures=9,
        last_success_at=now - dt.timedelta(hours=8),
        last_error="HTTP 503",
    )
    _source(workspace, name="Fine", consecutive_failures=0, last_success_at=now - dt.timedelta(hours=8))
    _source(workspace, name="Just started failing", consecutive_failures=2, last_success_at=now - dt.timedelta(hours=1))
    assert sources_report_failing() == 1
    assert sources_report_failing() == 0
    row = Notification.objects.get(kind=Kind.SOURCE_FAILING, recipient=editor)
    assert row.params["source"] == "Новости" and row.params["hours"] == 8 and row.params["error"] == "HTTP 503"
    assert not Notification.objects.filter(recipient=writer).exists()
    # It recovered, then failed again for hours: a new streak, a new notification.
    Source.objects.filter(pk=failing.pk).update(last_success_at=now - dt.timedelta(hours=7))
    assert sources_report_failing() == 1
    assert Notification.objects.filter(kind=Kind.SOURCE_FAILING, recipient=editor).count() == 2
