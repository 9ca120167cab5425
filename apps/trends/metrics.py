"""Trend figures for Prometheus (found by apps.core.metrics.discover)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count
from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily, Metric

from apps.core.metrics import PREFIX, scrape_collector

from .models import Trend

# Counted by apps.trends.services.assignment when it writes memberships (one call per batch).
TREND_ITEMS_ASSIGNED = Counter(f"{PREFIX}_trend_items_assigned", "Items assigned to trends.")


@scrape_collector
def trends_by_status() -> Iterable[Metric]:
    family = GaugeMetricFamily(f"{PREFIX}_trends", "Trends, by status.", labels=["status"])
    for row in Trend.objects.values("status").annotate(n=Count("id")).order_by():
        family.add_metric([row["status"]], row["n"])
    yield family
