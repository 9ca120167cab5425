"""Generation figures for Prometheus (found by apps.core.metrics.discover), read from the jobs at scrape
time: every web replica answers the same, and a restarted worker loses nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Sum
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from apps.core.metrics import PREFIX, scrape_collector

from .models import GenerationJob


@scrape_collector
def generation_jobs() -> Iterable[Metric]:
    jobs = GaugeMetricFamily(
        f"{PREFIX}_generation_jobs",
        "Generation jobs, by state, provider and kind.",
        labels=["state", "provider", "kind"],
    )
    tokens = CounterMetricFamily(
        f"{PREFIX}_generation_tokens",
        "Tokens used by generation jobs, by provider and type.",
        labels=["provider", "type"],
    )
    cost = CounterMetricFamily(
        f"{PREFIX}_generation_cost", "Cost of generation jobs, by provider.", labels=["provider"]
    )
    rows = (
        GenerationJob.objects.values("status", "provider", "kind")
        .annotate(n=Count("id"), prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"), cost=Sum("cost"))
        .order_by()
    )
    per_provider: dict[str, list[float]] = {}
    for row in rows:
        provider = row["provider"] or "none"
        jobs.add_metric([row["status"], provider, row["kind"]], row["n"])
        sums = per_provider.setdefault(provider, [0, 0, 0.0])
        sums[0] += row["prompt"] or 0
        sums[1] += row["completion"] or 0
        sums[2] += float(row["cost"] or 0)
    for provider, (prompt, completion, spent) in per_provider.items():
        tokens.add_metric([provider, "prompt"], prompt)
        tokens.add_metric([provider, "completion"], completion)
        cost.add_metric([provider], spent)
    yield from (jobs, tokens, cost)
