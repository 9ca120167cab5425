"""Celery entry points: the beat tick that claims due sources, and one fetch per source."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import alerts, services


@shared_task(name="sources.tick", ignore_result=True)
def sources_tick(**kwargs: object) -> int:
    claimed = services.sources_claim_due(limit=settings.SOURCES_TICK_BATCH)
    for source_id in claimed:
        source_fetch_task.delay(source_id)
    return len(claimed)


@shared_task(name="sources.fetch", ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=150)
def source_fetch_task(source_id: int, **kwargs: object) -> None:
    # Fetch and parse errors are recorded by the service and rescheduled with backoff; no Celery retry.
    services.source_fetch(source_id=source_id)


@shared_task(name="sources.fulltext", ignore_result=True, acks_late=True, soft_time_limit=300, time_limit=330)
def items_fulltext_task(item_ids: list[int], **kwargs: object) -> None:
    services.items_fetch_fulltext(item_ids=item_ids)


@shared_task(name="sources.alert_failing", ignore_result=True, soft_time_limit=120, time_limit=150)
def sources_alert_failing(**kwargs: object) -> int:
    return alerts.sources_report_failing()
