"""Ranking: score = decay x velocity x diversity x engagement x search, computed for all of a workspace's trends at once with
numpy and written back in one statement; snapshots keep the history for sparklines and timelines."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from apps.core.params import safe_id
from apps.trends import events
from apps.trends.models import Trend, TrendItem, TrendSettings, TrendSnapshot, TrendStatus

from .assignment import trend_settings_for
from .signals import signal_boost, signals_store, source_trust_weights

SNAPSHOT_KEEP_DAYS = 30
BROADCAST_TOP = 20


@dataclass
class RankOutcome:
    ranked: int = 0
    zeroed: int = 0
    snapshots: int = 0
    changed: int = 0
    seconds_query: float = 0.0


@dataclass
class Scores:
    trend_ids: np.ndarray
    score: np.ndarray
    decay: np.ndarray
    velocity: np.ndarray
    diversity: np.ndarray
    rate_last_hour: np.ndarray
    items: np.ndarray
    domains: np.ndarray


def compute_scores(
    *,
    trend_idx: np.ndarray,
    age_hours: np.ndarray,
    source_weight: np.ndarray,
    domain_code: np.ndarray,
    n_trends: int,
    settings: TrendSettings,
) -> tuple[np.ndarray, ...]:
    """Vectorized over every (counted) item of every trend:
    decay     = sum(source_weight * 2^(-age / half_life))
    velocity  = 1 + velocity_weight * ln(1 + rate_last_hour / max(rate_per_hour_over_24h, baseline_rate))
    diversity = 1 + diversity_weight * ln(distinct domains)."""
    half_life = max(settings.half_life_hours, 0.01)
    decay = np.bincount(
        trend_idx, weights=source_weight * np.exp2(-np.maximum(age_hours, 0.0) / half_life), minlength=n_trends
    )
    last_hour = np.bincount(trend_idx, weights=(age_hours <= 1.0).astype(np.float64), minlength=n_trends)
    day_rate = np.bincount(trend_idx, weights=(age_hours <= 24.0).astype(np.float64), minlength=n_trends) / 24.0
    baseline = np.maximum(day_rate, max(settings.baseline_rate, 1e-6))
    velocity = 1.0 + settings.velocity_weight * np.log1p(last_hour / baseline)
    pairs = np.unique(trend_idx.astype(np.int64) * (1 << 32) + domain_code.astype(np.int64))
    domains = np.bincount((pairs >> 32).astype(np.int64), minlength=n_trends).astype(np.float64)
    diversity = 1.0 + settings.diversity_weight * np.log(np.maximum(domains, 1.0))
    score = decay * velocity * diversity
    items = np.bincount(trend_idx, minlength=n_trends)
    return score, decay, velocity, diversity, last_hour, items, domains


def trends_rank(
    *, workspace_id: int, now: dt.datetime | None = None, snapshot: bool = True, broadcast: bool = True
) -> RankOutcome:
    """Recompute every active trend's score in the workspace (bulk), write snapshots, and tell the
    dashboards when the ranking moved."""
    now = now or timezone.now()
    outcome = RankOutcome()
    settings = trend_settings_for(workspace_id=workspace_id)
    horizon_hours = max(10.0 * settings.half_life_hours, 24.0)
    horizon = now - dt.timedelta(hours=horizon_hours)
    rows = _scored_items(workspace_id=workspace_id, horizon=horizon, now=now)
    with transaction.atomic():
        previous = dict(
            Trend.objects.filter(workspace_id=workspace_id, status=TrendStatus.ACTIVE)
            .filter(score__gt=0)
            .values_list("id", "score")
        )
        if rows:
            unique_ids, trend_idx, age, source_weight, domain_code = _item_arrays(
                rows, workspace_id=workspace_id, settings=settings, now=now
            )
            score, decay, velocity, diversity, last_hour, items, domains = compute_scores(
                trend_idx=trend_idx,
                age_hours=age,
                source_weight=source_weight,
                domain_code=domain_code,
                n_trends=unique_ids.size,
                settings=settings,
            )
            boost = signal_boost(
                workspace_id=workspace_id, trend_ids=unique_ids, settings=settings, horizon=horizon, now=now
            )
            score = score * boost.factor  # x engagement x search (services/signals.py)
            _bulk_update_scores(unique_ids, score, decay, velocity, diversity, last_hour, now)
            outcome.ranked = int(unique_ids.size)
            if snapshot:
                outcome.snapshots = _insert_snapshots(unique_ids, score, items, last_hour, now)
            new_scores = dict(zip(unique_ids.tolist(), score.tolist(), strict=True))
            signals_store(workspace_id=workspace_id, boost=boost, trend_ids=unique_ids)
        else:
            new_scores = {}
            signals_store(workspace_id=workspace_id, boost=None)
        stale = [tid for tid in previous if tid not in new_scores]
        if stale:
            outcome.zeroed = Trend.objects.filter(pk__in=stale).update(
                score=0.0, decay=0.0, velocity=1.0, rate_last_hour=0.0, ranked_at=now
            )
        changed = [
            tid
            for tid, s in new_scores.items()
            if not math.isclose(previous.get(tid, 0.0), s, rel_tol=0.01, abs_tol=1e-3)
        ] + stale
        outcome.changed = len(changed)
        if broadcast and changed:
            top = sorted(new_scores.items(), key=lambda kv: -kv[1])[:BROADCAST_TOP]
            events.scores_changed(workspace_id=workspace_id, changed=len(changed), top=top, at=now)
    return outcome


def _item_arrays(
    rows: list[tuple[int, float, int, str]], *, workspace_id: int, settings: TrendSettings, now: dt.datetime
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The scored items as arrays: the trend ids, each item's trend index, age in hours, source weight
    (the workspace's weight times the source's trust) and a code per domain."""
    tids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    unique_ids, trend_idx = np.unique(tids, return_inverse=True)
    age = (now.timestamp() - np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))) / 3600.0
    weights_by_source = {
        safe_id(k): float(v) for k, v in (settings.source_weights or {}).items() if safe_id(k) is not None
    }
    trust = source_trust_weights(workspace_id=workspace_id)
    source_weight = np.fromiter(
        (weights_by_source.get(r[2], 1.0) * trust.get(r[2], 1.0) for r in rows),
        dtype=np.float64,
        count=len(rows),
    )
    codes: dict[str, int] = {}
    domain_code = np.fromiter((codes.setdefault(r[3], len(codes)) for r in rows), dtype=np.int64, count=len(rows))
    return unique_ids, trend_idx, age, source_weight, domain_code


def _scored_items(*, workspace_id: int, horizon: dt.datetime, now: dt.datetime) -> list[tuple[int, float, int, str]]:
    """(trend id, published epoch seconds, source id, domain) of every counted item of the active trends
    since the horizon. PostgreSQL converts the timestamps itself (a third of the time otherwise)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT ti.trend_id, EXTRACT(EPOCH FROM ti.published_at)::float8, ti.source_id_copy, ti.domain
                  FROM trends_trenditem ti JOIN trends_trend t ON t.id = ti.trend_id
                 WHERE ti.workspace_id = %s AND ti.counted AND ti.published_at >= %s AND ti.published_at <= %s
                   AND t.status = %s
                """,
                [workspace_id, horizon, now, TrendStatus.ACTIVE.value],
            )
            rows: list[tuple[int, float, int, str]] = cursor.fetchall()
            return rows
    return [
        (tid, published.timestamp(), source_id, domain)
        for tid, published, source_id, domain in TrendItem.objects.filter(
            workspace_id=workspace_id,
            counted=True,
            published_at__gte=horizon,
            published_at__lte=now,
            trend__status=TrendStatus.ACTIVE,
        ).values_list("trend_id", "published_at", "source_id_copy", "domain")
    ]


def _insert_snapshots(
    ids: np.ndarray, score: np.ndarray, items: np.ndarray, last_hour: np.ndarray, now: dt.datetime
) -> int:
    """One INSERT ... SELECT FROM unnest(...) on PostgreSQL (counts copied from the trend rows); bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO trends_trendsnapshot (trend_id, taken_at, score, item_count, source_count, rate_last_hour)
                SELECT u.id, %s, u.score, t.item_count, t.source_count, u.rate
                  FROM unnest(%s::bigint[], %s::float8[], %s::float8[]) AS u(id, score, rate)
                  JOIN trends_trend t ON t.id = u.id
                """,
                [now, ids.tolist(), score.tolist(), last_hour.tolist()],
            )
            inserted: int = cursor.rowcount
            return inserted
    counts = dict(Trend.objects.filter(pk__in=ids.tolist()).values_list("id", "item_count"))
    sources = dict(Trend.objects.filter(pk__in=ids.tolist()).values_list("id", "source_count"))
    TrendSnapshot.objects.bulk_create(
        [
            TrendSnapshot(
                trend_id=int(tid),
                taken_at=now,
                score=float(s),
                item_count=counts.get(int(tid), int(n)),
                source_count=sources.get(int(tid), 0),
                rate_last_hour=float(h),
            )
            for tid, s, n, h in zip(ids, score, items, last_hour, strict=True)
        ],
        batch_size=2000,
    )
    return len(ids)


def _bulk_update_scores(
    ids: np.ndarray,
    score: np.ndarray,
    decay: np.ndarray,
    velocity: np.ndarray,
    diversity: np.ndarray,
    last_hour: np.ndarray,
    now: dt.datetime,
) -> None:
    """One UPDATE ... FROM unnest(...) on PostgreSQL; bulk_update elsewhere."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE trends_trend AS t
                   SET score = u.score, decay = u.decay, velocity = u.velocity, diversity = u.diversity,
                       rate_last_hour = u.rate, ranked_at = %s
                  FROM unnest(%s::bigint[], %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::float8[])
                       AS u(id, score, decay, velocity, diversity, rate)
                 WHERE t.id = u.id
                """,
                [
                    now,
                    ids.tolist(),
                    score.tolist(),
                    decay.tolist(),
                    velocity.tolist(),
                    diversity.tolist(),
                    last_hour.tolist(),
                ],
            )
        return
    trends = [
        Trend(
            pk=int(tid),
            score=float(s),
            decay=float(d),
            velocity=float(v),
            diversity=float(g),
            rate_last_hour=float(h),
            ranked_at=now,
        )
        for tid, s, d, v, g, h in zip(ids, score, decay, velocity, diversity, last_hour, strict=True)
    ]
    Trend.objects.bulk_update(
        trends, ["score", "decay", "velocity", "diversity", "rate_last_hour", "ranked_at"], batch_size=500
    )


def trend_snapshots_prune(*, now: dt.datetime | None = None, keep_days: int = SNAPSHOT_KEEP_DAYS) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    deleted, _ = TrendSnapshot.objects.filter(taken_at__lt=cutoff).delete()
    return deleted
