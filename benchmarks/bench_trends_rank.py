"""Recompute ranks for 10,000 trends (target ≤ 5 s), beside the row-by-row baseline.

    .venv/bin/python -m benchmarks.bench_trends_rank

Seeds 10,000 trends with 5 items each over the last 48 hours (50,000 items, 20 sources), then times
`trends_rank`: one read of the scored items, numpy aggregation, one UPDATE ... FROM unnest(...), one bulk
insert of 10,000 snapshots. The baseline recomputes each trend in Python from its own items and saves it
(two queries per trend); it is measured on 1,000 trends and multiplied by 10 for 10,000."""

from __future__ import annotations

import datetime as dt
import math
import random
import time

from benchmarks._common import django_setup, record
from benchmarks._trends_db import DATABASE, make_items, make_sources, reset_workspace

N_TRENDS = 10_000
PER_TREND = 5
BASELINE_TRENDS = 1_000


def main() -> None:
    django_setup(database=DATABASE)
    from django.utils import timezone

    from apps.trends.models import Trend, TrendItem
    from apps.trends.services import trend_settings_for, trends_rank

    rng = random.Random(3)
    workspace = reset_workspace()
    sources = make_sources(workspace, 20)
    now = timezone.now()
    rows = []
    for t in range(N_TRENDS):
        for k in range(PER_TREND):
            rows.append(
                (f"Trend {t} item {k}", "", now - dt.timedelta(minutes=rng.uniform(0, 48 * 60)), rng.randrange(20))
            )
    items = make_items(workspace, sources, rows, batch=5000)
    trends = Trend.objects.bulk_create(
        [
            Trend(workspace=workspace, title=f"Trend {t}", item_count=PER_TREND, first_seen_at=now, last_seen_at=now)
            for t in range(N_TRENDS)
        ],
        batch_size=5000,
    )
    TrendItem.objects.bulk_create(
        [
            TrendItem(
                trend=trends[n // PER_TREND],
                item=item,
                workspace=workspace,
                source_id_copy=item.source_id,
                domain=f"source{item.source_id % 20}.example",
                published_at=item.published_at,
            )
            for n, item in enumerate(items)
        ],
        batch_size=5000,
    )
    trends_rank(workspace_id=workspace.pk, snapshot=False, broadcast=False)  # warm caches
    started = time.perf_counter()
    outcome = trends_rank(workspace_id=workspace.pk, snapshot=True, broadcast=False)
    ours = time.perf_counter() - started

    with_signals, boosted = _with_signals(workspace, sources, items, trends_rank)
    settings = trend_settings_for(workspace_id=workspace.pk)
    started = time.perf_counter()
    for trend in Trend.objects.filter(workspace=workspace).order_by("id")[:BASELINE_TRENDS]:
        members = list(TrendItem.objects.filter(trend=trend, counted=True).values_list("published_at", "domain"))
        ages = [(now - p).total_seconds() / 3600 for p, _d in members]
        decay = sum(2 ** (-a / settings.half_life_hours) for a in ages)
        last_hour = sum(1 for a in ages if a <= 1)
        baseline_rate = max(sum(1 for a in ages if a <= 24) / 24, settings.baseline_rate)
        velocity = 1 + settings.velocity_weight * math.log1p(last_hour / baseline_rate)
        diversity = 1 + settings.diversity_weight * math.log(max(len({d for _p, d in members}), 1))
        trend.score = decay * velocity * diversity
        trend.save(update_fields=["score"])
    per_thousand = time.perf_counter() - started
    baseline = per_thousand * N_TRENDS / BASELINE_TRENDS
    body = f"""
PostgreSQL, {N_TRENDS:,} trends × {PER_TREND} items over the last 48 h ({N_TRENDS * PER_TREND:,} scored items, 20 domains).

| method | trends | time |
| --- | --- | --- |
| `trends_rank` (ours: one read, numpy, one `UPDATE … FROM unnest`, bulk snapshots) | {outcome.ranked:,} | **{ours:.2f} s** (incl. {outcome.snapshots:,} snapshots) |
| row by row: per trend, read its items, compute, `save()` (measured on {BASELINE_TRENDS:,}: {per_thousand:.2f} s) | {N_TRENDS:,} (extrapolated ×{N_TRENDS // BASELINE_TRENDS}) | ~{baseline:.1f} s |

Ratio: **{baseline / ours:.1f}× faster** than row by row. Target: ≤ 5 s.

With signals (services/signals.py): 5 of the 20 sources made Hacker News sources, their {N_TRENDS * PER_TREND // 4:,}
items given points and comments, 2 sources noisy and 2 trusted, and {N_TERMS} Google Trends search terms, 50 of
them naming a trend: the same `trends_rank` takes {with_signals[0]:.2f} s at its first tick (which also tokenizes
every trend title for the search terms) and **{with_signals[1]:.2f} s** at the next ({with_signals[1] / ours:.2f}×
the run without signals); {boosted:,} trends carry the signals that moved them.
"""
    record("trends: recompute ranks for 10,000 trends", "python -m benchmarks.bench_trends_rank", body)


N_TERMS = 100


def _with_signals(workspace, sources, items, trends_rank) -> tuple[list[float], int]:
    """Give a quarter of the items HN engagement, set some sources' trust, add search terms; time a rank."""
    from django.utils import timezone

    from apps.sources.engagement import engagement_score
    from apps.sources.models import Item, Source, SourceKind, SourceTrust
    from apps.trends.models import Trend

    hn = [s.pk for s in sources[:5]]
    Source.objects.filter(pk__in=hn).update(kind=SourceKind.HACKER_NEWS)
    Source.objects.filter(pk__in=[s.pk for s in sources[5:7]]).update(trust=SourceTrust.NOISY)
    Source.objects.filter(pk__in=[s.pk for s in sources[7:9]]).update(trust=SourceTrust.TRUSTED)
    signals = {"points": 120, "comments": 40}
    Item.objects.filter(source_id__in=hn).update(signals=signals, engagement=engagement_score("hacker_news", signals))
    google = Source.objects.create(
        workspace=workspace, name="Google US", url="https://trends.example/rss?geo=US", kind=SourceKind.GOOGLE_TRENDS
    )
    terms = [f"Trend {t * 37}" for t in range(50)] + [f"unrelated search {t}" for t in range(N_TERMS - 50)]
    now = timezone.now()
    Item.objects.bulk_create(
        [
            Item(
                workspace=workspace,
                source=google,
                guid=f"term-{n}",
                url=f"https://trends.example/term/{n}",
                canonical_url=f"https://trends.example/term/{n}",
                title=term,
                published_at=now,
                content_hash=f"term-{n}",
                signals={"traffic": 20000},
                engagement=engagement_score("google_trends", {"traffic": 20000}),
            )
            for n, term in enumerate(terms)
        ]
    )
    took = []
    for _tick in range(2):  # the first tick also tokenizes every trend title (cached for the next ticks)
        started = time.perf_counter()
        trends_rank(workspace_id=workspace.pk, snapshot=True, broadcast=False)
        took.append(time.perf_counter() - started)
    return took, Trend.objects.filter(workspace=workspace).exclude(signals={}).count()


if __name__ == "__main__":
    main()
