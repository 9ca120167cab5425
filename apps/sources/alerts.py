"""Telling the people who manage sources when one has failed every fetch for SOURCES_FAILING_ALERT_HOURS
hours (run hourly by beat; each failing streak is reported once)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from apps.notifications.services import source_failing

from .models import Source, SourceStatus


def sources_report_failing(*, hours: int | None = None) -> int:
    hours = hours or settings.SOURCES_FAILING_ALERT_HOURS
    cutoff = timezone.now() - dt.timedelta(hours=hours)
    failing = Source.objects.filter(consecutive_failures__gt=0).exclude(status=SourceStatus.PAUSED)
    failing = failing.filter(Q(last_success_at__lt=cutoff) | Q(last_success_at__isnull=True, created_at__lt=cutoff))
    told = 0
    for source in failing.order_by("pk"):
        streak_start = source.last_success_at
        span = timezone.now() - (streak_start or source.created_at)
        if source_failing(source=source, hours=int(span / dt.timedelta(hours=1)), since=streak_start):
            told += 1
    return told
