"""Engagement signals: what each source kind says about an item's reach, under one vocabulary, and
one 0..1 figure comparable across kinds (so trends can use it as velocity). Pure functions."""

from __future__ import annotations

import math
import re
from datetime import datetime

# The names a signal may have; anything else a parser reports is dropped.
SIGNAL_NAMES = (
    "points",
    "score",
    "comments",
    "replies",
    "reblogs",
    "favourites",
    "likes",
    "reposts",
    "quotes",
    "views",
    "traffic",
    "accounts",
    "uses",
)

# Per kind: how much each signal weighs, and the weighted total that counts as "very high" for the kind
# (a front-page HN story, a hot subreddit post, a widely boosted toot, a million-view video, a search
# term with 500k+ searches a day). engagement = log1p(total) / log1p(reference), capped at 1.
KIND_WEIGHTS: dict[str, tuple[dict[str, float], float]] = {
    "hacker_news": ({"points": 1.0, "comments": 1.5}, 1500.0),
    "reddit": ({"score": 1.0, "comments": 2.0}, 20000.0),
    "lobsters": ({"score": 1.0, "comments": 1.5}, 200.0),
    "mastodon": ({"reblogs": 3.0, "favourites": 1.0, "replies": 2.0, "uses": 1.0, "accounts": 3.0}, 2000.0),
    "bluesky": ({"reposts": 3.0, "likes": 1.0, "replies": 2.0, "quotes": 3.0}, 10000.0),
    "youtube": ({"views": 1.0, "likes": 20.0}, 2_000_000.0),
    "google_trends": ({"traffic": 1.0}, 1_000_000.0),
}


def clean_signals(raw: dict) -> dict[str, int]:
    """Only known names with non-negative whole numbers (bools and junk dropped)."""
    out = {}
    for name, value in (raw or {}).items():
        if name not in SIGNAL_NAMES or isinstance(value, bool):
            continue
        if isinstance(value, float) and math.isfinite(value):
            value = int(value)
        if isinstance(value, int) and 0 <= value < 2**53:
            out[name] = value
    return out


def engagement_score(kind: str, signals: dict) -> float:
    """0..1: the kind's weighted signals on a log scale against what is 'very high' for that kind."""
    weights, reference = KIND_WEIGHTS.get(kind, ({}, 1.0))
    if not weights or not signals:
        return 0.0
    total = sum(weights.get(name, 0.0) * value for name, value in signals.items())
    if total <= 0:
        return 0.0
    return round(min(1.0, math.log1p(total) / math.log1p(reference)), 4)


def velocity(engagement: float, *, published_at: datetime, now: datetime, min_hours: float = 1.0) -> float:
    """Engagement per hour since publication (young items are not divided by almost nothing)."""
    hours = max(min_hours, (now - published_at).total_seconds() / 3600)
    return round(engagement / hours, 6)


_TRAFFIC = re.compile(r"([\d.,]+)\s*([KkMm]?)\+?")


def parse_traffic(value: str) -> int | None:
    """'200,000+', '2M+', '50K+' as a whole number (Google Trends' approx_traffic)."""
    match = _TRAFFIC.search(value or "")
    if not match:
        return None
    digits = match.group(1).replace(",", "")
    try:
        number = float(digits)
    except ValueError:
        return None
    number *= {"k": 1_000, "m": 1_000_000}.get(match.group(2).lower(), 1)
    return int(number) if math.isfinite(number) else None
