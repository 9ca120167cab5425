"""Fetch figures for Prometheus (found by apps.core.metrics.discover): every FetchAttempt written counts
once its transaction commits; sources by state are read from the database at scrape time."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.db.models.signals import post_save
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric

from apps.core.metrics import DURATION_BUCKETS, PREFIX, scrape_collector

from .models import FetchAttempt, FetchOutcome, Source

FETCHES = Counter(f"{PREFIX}_source_fetches", "Source fetches, by source kind and outcome.", ["kind", "outcome"])
FETCH_FAILURES = Counter(f"{PREFIX}_source_fetch_failures", "Source fetches that failed, by source kind.", ["kind"])
ITEMS = Counter(
    f"{PREFIX}_source_items",
    "Items a fetch brought, by source kind and result (new, updated, duplicate).",
    ["kind", "result"],
)
FETCH_SECONDS = Histogram(
    f"{PREFIX}_source_fetch_duration_seconds", "Fetch latency, by source kind.", ["kind"], buckets=DURATION_BUCKETS
)


def record_attempt(*, kind: str, outcome: str, duration_ms: int, new: int, updated: int, duplicate: int) -> None:
    FETCHES.labels(kind, outcome).inc()
    if outcome == FetchOutcome.ERROR:
        FETCH_FAILURES.labels(kind).inc()
    FETCH_SECONDS.labels(kind).observe(duration_ms / 1000)
    for result, count in (("new", new), ("updated", updated), ("duplicate", duplicate)):
        if count:
            ITEMS.labels(kind, result).inc(count)


def _attempt_saved(sender, instance: FetchAttempt, created: bool, **_kwargs) -> None:
    if not created:
        return
    kind: str = getattr(instance.source, "kind", "unknown")
    outcome, duration_ms = instance.outcome, instance.duration_ms
    new, updated, duplicate = (
        instance.items_new,
        instance.items_updated,
        instance.items_duplicate + instance.items_skipped,
    )
    transaction.on_commit(
        lambda: record_attempt(
            kind=kind, outcome=outcome, duration_ms=duration_ms, new=new, updated=updated, duplicate=duplicate
        )
    )


post_save.connect(_attempt_saved, sender=FetchAttempt, dispatch_uid="sources-metrics-attempt")


@scrape_collector
def sources_by_status() -> Iterable[Metric]:
    family = GaugeMetricFamily(f"{PREFIX}_sources", "Sources, by kind and status.", labels=["kind", "status"])
    for row in Source.objects.values("kind", "status").annotate(n=Count("id")).order_by():
        family.add_metric([row["kind"], row["status"]], row["n"])
    yield family
