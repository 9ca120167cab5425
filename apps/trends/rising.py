""" "Why it is rising": a trend's stored signals (Trend.signals, written at each ranking tick by
services/signals.py) as short translatable phrases: "320 HN points", "1.2k reposts on Bluesky",
"Google searches 50K+ for “eurovision”". Pure functions; the phrases are made in the reader's language."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.sources.models import SourceKind

K = SourceKind
# (kind, signal) -> (singular, plural); %(n)s is the compact number.
PHRASES: dict[tuple[str, str], tuple[str, str]] = {
    (K.HACKER_NEWS, "points"): ("%(n)s HN point", "%(n)s HN points"),
    (K.HACKER_NEWS, "comments"): ("%(n)s comment on HN", "%(n)s comments on HN"),
    (K.REDDIT, "score"): ("%(n)s upvote on Reddit", "%(n)s upvotes on Reddit"),
    (K.REDDIT, "comments"): ("%(n)s comment on Reddit", "%(n)s comments on Reddit"),
    (K.LOBSTERS, "score"): ("%(n)s Lobsters point", "%(n)s Lobsters points"),
    (K.LOBSTERS, "comments"): ("%(n)s comment on Lobsters", "%(n)s comments on Lobsters"),
    (K.MASTODON, "reblogs"): ("%(n)s boost on Mastodon", "%(n)s boosts on Mastodon"),
    (K.MASTODON, "favourites"): ("%(n)s favourite on Mastodon", "%(n)s favourites on Mastodon"),
    (K.MASTODON, "replies"): ("%(n)s reply on Mastodon", "%(n)s replies on Mastodon"),
    (K.MASTODON, "accounts"): ("%(n)s account posting it on Mastodon", "%(n)s accounts posting it on Mastodon"),
    (K.MASTODON, "uses"): ("%(n)s use of the tag on Mastodon", "%(n)s uses of the tag on Mastodon"),
    (K.BLUESKY, "reposts"): ("%(n)s repost on Bluesky", "%(n)s reposts on Bluesky"),
    (K.BLUESKY, "likes"): ("%(n)s like on Bluesky", "%(n)s likes on Bluesky"),
    (K.BLUESKY, "replies"): ("%(n)s reply on Bluesky", "%(n)s replies on Bluesky"),
    (K.BLUESKY, "quotes"): ("%(n)s quote on Bluesky", "%(n)s quotes on Bluesky"),
    (K.YOUTUBE, "views"): ("%(n)s YouTube view", "%(n)s YouTube views"),
    (K.YOUTUBE, "likes"): ("%(n)s like on YouTube", "%(n)s likes on YouTube"),
}


def compact(value: int | float) -> str:
    """320 -> "320", 1234 -> "1.2k", 2_500_000 -> "2.5M" (one decimal, dropped when it is 0)."""
    value = float(value)
    if not math.isfinite(value) or value < 1000:
        return str(int(value)) if math.isfinite(value) else "0"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= size:
            return f"{value / size:.1f}".removesuffix(".0") + suffix
    return str(int(value))  # unreachable


def traffic_label(value: int | float | None) -> str:
    """Google's own way of writing approximate traffic: 50000 -> "50K+", 2000000 -> "2M+"."""
    if not value or not math.isfinite(float(value)) or value < 0:
        return ""
    value = int(value)
    if value < 1000:
        return f"{value}+"
    return compact(value).replace("k", "K") + "+"


def signal_phrase(kind: str, signal: str, value: int) -> str:
    pair = PHRASES.get((kind, signal))
    n = compact(value)
    if pair is None:
        label = dict(SourceKind.choices).get(kind, kind)
        return _("%(n)s %(signal)s (%(kind)s)") % {"n": n, "signal": signal, "kind": label}
    return ngettext(pair[0], pair[1], int(value)) % {"n": n}


def search_phrase(term: dict) -> str:
    traffic = traffic_label(term.get("traffic"))
    name = str(term.get("term", ""))[:80]
    if traffic:
        return _("Google searches %(traffic)s for “%(term)s”") % {"traffic": traffic, "term": name}
    return _("trending on Google: “%(term)s”") % {"term": name}


def why_rising(signals: dict | None, *, limit: int = 5) -> list[str]:
    """The phrases of a trend's stored signals, strongest first (engagement, then search terms)."""
    if not isinstance(signals, dict):
        return []
    out = []
    for entry in signals.get("top") or []:
        try:
            out.append(signal_phrase(str(entry["kind"]), str(entry["signal"]), int(entry["value"])))
        except (KeyError, TypeError, ValueError):
            continue
    for term in signals.get("search") or []:
        if isinstance(term, dict):
            out.append(search_phrase(term))
    return out[:limit]
