"""Publishing figures for Prometheus (found by apps.core.metrics.discover), read at scrape time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Count, F, Max, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from apps.core.metrics import PREFIX, scrape_collector

from .models import OPEN_STATES, Publication, PublicationState


@scrape_collector
def publications() -> Iterable[Metric]:
    now = timezone.now()
    by_state = GaugeMetricFamily(
        f"{PREFIX}_publications", "Publications, by state and channel kind.", labels=["state", "platform"]
    )
    for row in Publication.objects.values("state", "channel__platform").annotate(n=Count("id")).order_by():
        by_state.add_metric([row["state"], row["channel__platform"]], row["n"])
    overdue = GaugeMetricFamily(
        f"{PREFIX}_publication_overdue_seconds",
        "How late the oldest open publication is (now - due, 0 when none is due), by channel kind.",
        labels=["platform"],
    )
    open_due = (
        Publication.objects.filter(state__in=OPEN_STATES, due_at__lte=now)
        .values("channel__platform")
        .annotate(oldest=Min("due_at"))
        .order_by()
    )
    for due in open_due:
        overdue.add_metric([due["channel__platform"]], max(0.0, (now - due["oldest"]).total_seconds()))
    lateness = GaugeMetricFamily(
        f"{PREFIX}_publication_lateness_seconds",
        "Largest lateness (published - due) of publications sent in the last hour, by channel kind.",
        labels=["platform"],
    )
    recent = (
        Publication.objects.filter(state=PublicationState.PUBLISHED, published_at__gte=now - timedelta(hours=1))
        .values("channel__platform")
        .annotate(worst=Max(F("published_at") - F("due_at")))
        .order_by()
    )
    for sent in recent:
        worst = sent["worst"]
        lateness.add_metric([sent["channel__platform"]], max(0.0, worst.total_seconds()) if worst else 0.0)
    yield from (by_state, overdue, lateness)
