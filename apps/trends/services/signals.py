"""Signals into trends: what each source kind says about an item's reach (HN points and comments, Reddit score,
Mastodon boosts, Bluesky reposts, YouTube views: apps.sources.selectors.item_signals) and Google Trends' daily
search terms (search_trend_terms), as two factors of a trend's score, plus the record of which signals moved it.

    engagement factor = 1 + signal_weight x ln(1 + sum over the trend's items of trust x engagement velocity)
    search factor     = 1 + search_weight x the engagement of the strongest matching search term

Engagement is normalised per source kind where the sources app measures it (apps.sources.engagement: each kind's
weighted signals on a log scale against what is "very high" for that kind, 0..1), so 300 HN points and 1,000
Bluesky reposts weigh alike; velocity is that per hour since publication (from one hour on). Near-duplicates
count here: the HN thread about a wire story adds its points even though it adds no item. A search term matches
when all its words are among the trend's title and keywords (clustering/terms.py: stems, CJK segmentation).
Trust (trusted 1.5, noisy 0.5) multiplies both an item's weight in the decayed sum and its engagement."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from apps.sources.engagement import KIND_WEIGHTS, velocity
from apps.sources.models import TRUST_WEIGHTS, Source, SourceTrust
from apps.sources.selectors import item_signals, search_trend_terms
from apps.trends.clustering.terms import MIN_SPELLED, matches, term_words, trend_words
from apps.trends.models import Trend, TrendItem, TrendSettings, TrendStatus

SEARCH_WINDOW_HOURS = 48
TOP_SIGNALS = 4
TOP_TERMS = 2
_TRUST: dict[str, float] = {str(level): weight for level, weight in TRUST_WEIGHTS.items()}


@dataclass
class SignalBoost:
    """Per ranked trend (in the order of trend_ids): the two factors, and what to store for the boosted ones."""

    engagement: np.ndarray
    search: np.ndarray
    details: dict[int, dict] = field(default_factory=dict)

    @property
    def factor(self) -> np.ndarray:
        return np.asarray(self.engagement * self.search, dtype=np.float64)


def source_trust_weights(*, workspace_id: int) -> dict[int, float]:
    """{source id: trust weight} of the workspace's trusted and noisy sources (the rest weigh 1)."""
    rows = Source.objects.filter(workspace_id=workspace_id).exclude(trust=SourceTrust.NORMAL)
    return {pk: _TRUST.get(trust, 1.0) for pk, trust in rows.values_list("id", "trust")}


def signal_boost(
    *, workspace_id: int, trend_ids: np.ndarray, settings: TrendSettings, horizon: dt.datetime, now: dt.datetime
) -> SignalBoost:
    index = {int(tid): n for n, tid in enumerate(trend_ids.tolist())}
    heat = np.zeros(len(index))
    totals: dict[int, dict[tuple[str, str], list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    signals = [s for s in item_signals(workspace=workspace_id, since=horizon) if s.published_at <= now]
    if signals:
        trend_of = dict(
            TrendItem.objects.filter(
                workspace_id=workspace_id,
                published_at__gte=horizon,
                published_at__lte=now,
                trend__status=TrendStatus.ACTIVE,
            )
            .exclude(item__signals={})
            .values_list("item_id", "trend_id")
        )
        for s in signals:
            n = index.get(trend_of.get(s.item_id, -1))
            if n is None:
                continue
            heat[n] += s.trust_weight * velocity(s.engagement, published_at=s.published_at, now=now)
            for name, value in s.signals.items():
                total = totals[n][(s.kind, name)]
                total[0] += int(value)
                total[1] += 1
    boost = SignalBoost(
        engagement=1.0 + max(settings.signal_weight, 0.0) * np.log1p(heat),
        search=np.ones(len(index)),
    )
    searched = _search_matches(workspace_id=workspace_id, index=index, now=now)
    for n, terms in searched.items():
        boost.search[n] = 1.0 + max(settings.search_weight, 0.0) * max(t["engagement"] for t in terms)
    for n in set(totals) | set(searched):
        top = _top_signals(totals.get(n, {}))
        terms = sorted(searched.get(n, []), key=lambda t: -t["engagement"])[:TOP_TERMS]
        if top or terms:
            boost.details[int(trend_ids[n])] = {
                "top": top,
                "search": [{k: t[k] for k in ("term", "traffic", "geo")} for t in terms],
            }
    return boost


def _top_signals(totals: dict[tuple[str, str], list[int]]) -> list[dict]:
    """The (kind, signal) sums that weigh most on their kind's own scale (weight x value / very-high total)."""

    def weight(key: tuple[str, str], value: int) -> float:
        weights, reference = KIND_WEIGHTS.get(key[0], ({}, 1.0))
        return weights.get(key[1], 0.0) * value / max(reference, 1.0)

    ranked = sorted(
        ((weight(key, value), key, value, items) for key, (value, items) in totals.items() if value > 0),
        key=lambda row: (-row[0], row[1]),
    )
    return [
        {"kind": key[0], "signal": key[1], "value": value, "items": items}
        for score, key, value, items in ranked[:TOP_SIGNALS]
        if score > 0
    ]


def _search_matches(*, workspace_id: int, index: dict[int, int], now: dt.datetime) -> dict[int, list[dict]]:
    """trend position -> the search terms (seen in the last two days) whose words are all among its own."""
    since = now - dt.timedelta(hours=SEARCH_WINDOW_HOURS)
    terms: dict[frozenset[str], dict] = {}
    for term in search_trend_terms(workspace=workspace_id, since=since):
        words = term_words(term["term"])
        if not words or term["published_at"] > now:
            continue
        best = terms.get(words)
        if best is None or term["engagement"] > best["engagement"]:
            terms[words] = term  # the same search in several countries: its strongest
    if not terms or not index:
        return {}
    # Each trend counts, per term, how many of the term's words it has (an inverted index of the terms' words);
    # a term whose Latin word may spell a trend's word in another alphabet ("moskva" for "Москва") is checked
    # in full through its first letters.
    listed = list(terms.values())
    sizes = [len(term_words(t["term"])) for t in listed]
    by_word: dict[str, list[int]] = defaultdict(list)
    by_start: dict[str, set[int]] = defaultdict(set)
    for k, term in enumerate(listed):
        for word in term_words(term["term"]):
            by_word[word].append(k)
            if word.isascii() and len(word) >= MIN_SPELLED:
                by_start[word[:MIN_SPELLED]].add(k)
    out: dict[int, list[dict]] = {}
    rows = Trend.objects.filter(workspace_id=workspace_id, status=TrendStatus.ACTIVE).values_list(
        "id", "title", "keywords"
    )
    for tid, title, keywords in rows.iterator():
        n = index.get(tid)
        if n is None:
            continue
        text = " ".join([title, *map(str, keywords or [])])
        words, latin = trend_words(text)
        hits: dict[int, int] = defaultdict(int)
        for word in words:
            for k in by_word.get(word, ()):
                hits[k] += 1
        found = {k for k, count in hits.items() if count == sizes[k]}
        for spelled in latin:
            found |= {
                k
                for k in by_start.get(spelled[:MIN_SPELLED], ())
                if k not in found and matches(listed[k]["term"], text)
            }
        if found:
            out[n] = [listed[k] for k in sorted(found)]
    return out


def signals_store(*, workspace_id: int, boost: SignalBoost | None, trend_ids: np.ndarray | None = None) -> int:
    """Write the factors and the signals that moved each boosted trend; clear them on the trends no longer
    boosted. Returns how many trends carry signals now."""
    details = boost.details if boost is not None else {}
    Trend.objects.filter(workspace_id=workspace_id, status=TrendStatus.ACTIVE).exclude(signals={}).exclude(
        pk__in=list(details)
    ).update(signals={}, engagement_factor=1.0, search_factor=1.0)
    if not details or boost is None or trend_ids is None:
        return 0
    position = {int(tid): n for n, tid in enumerate(trend_ids.tolist())}
    ids = list(details)
    engagement = [_finite(boost.engagement[position[tid]]) for tid in ids]
    search = [_finite(boost.search[position[tid]]) for tid in ids]
    if connection.vendor == "postgresql":  # one statement (bulk_update's CASE per row costs seconds at 10k)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE trends_trend AS t
                   SET signals = u.signals::jsonb, engagement_factor = u.engagement, search_factor = u.search
                  FROM unnest(%s::bigint[], %s::text[], %s::float8[], %s::float8[]) AS u(id, signals, engagement, search)
                 WHERE t.id = u.id
                """,
                [ids, [json.dumps(details[tid], ensure_ascii=False) for tid in ids], engagement, search],
            )
        return len(ids)
    rows = [
        Trend(pk=tid, signals=details[tid], engagement_factor=e, search_factor=f)
        for tid, e, f in zip(ids, engagement, search, strict=True)
    ]
    Trend.objects.bulk_update(rows, ["signals", "engagement_factor", "search_factor"], batch_size=500)
    return len(rows)


def _finite(value: float) -> float:
    value = float(value)
    return round(value, 6) if math.isfinite(value) else 1.0
