"""Reads of the trends app, always scoped to a workspace the user belongs to."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import require_member
from apps.core.errors import NotFound
from apps.personas.models import Persona
from apps.sources.models import Item

from . import embeddings
from .clustering.text import tokenize
from .models import Topic, Trend, TrendItem, TrendSnapshot, TrendStatus
from .services.assignment import trend_settings_for

WINDOWS = {"6h": 6, "24h": 24, "72h": 72, "7d": 168, "30d": 720}
DEFAULT_WINDOW = "72h"
SPARKLINE_POINTS = 24


@dataclass(frozen=True)
class TrendFilters:
    topic: str = ""
    language: str = ""
    window: str = DEFAULT_WINDOW
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> TrendFilters:
        window = params.get("window") or DEFAULT_WINDOW
        return cls(
            topic=(params.get("topic") or "").strip()[:80],
            language=(params.get("language") or "").strip()[:8],
            window=window if window in WINDOWS else DEFAULT_WINDOW,
            q=(params.get("q") or "").strip()[:200],
        )


def workspaces_with_active_trends() -> list[int]:
    since = timezone.now() - dt.timedelta(days=14)
    return list(
        Trend.objects.filter(status=TrendStatus.ACTIVE, last_seen_at__gte=since)
        .values_list("workspace_id", flat=True)
        .distinct()
    )


def trends_for_workspace(
    *, workspace: Workspace, filters: TrendFilters | None = None, now: dt.datetime | None = None
) -> QuerySet[Trend]:
    """Active trends of the workspace, best first, filtered by topic, language and time window."""
    return trends_filtered(queryset=Trend.objects.filter(workspace=workspace), filters=filters, now=now)


# A trend is a story: at least two items (near-duplicates not counted) or two sources support it. Single
# items stay findable as items (the sources' item list and search).
STORY = Q(item_count__gte=2) | Q(source_count__gte=2)


def trends_filtered(
    *, queryset: QuerySet[Trend], filters: TrendFilters | None = None, now: dt.datetime | None = None
) -> QuerySet[Trend]:
    """Narrow an already workspace-scoped queryset to active trends matching the filters, best first."""
    filters = filters or TrendFilters()
    now = now or timezone.now()
    queryset = queryset.filter(STORY, status=TrendStatus.ACTIVE)
    queryset = queryset.filter(last_seen_at__gte=now - dt.timedelta(hours=WINDOWS[filters.window]))
    if filters.topic:
        queryset = queryset.filter(topics__slug=filters.topic)
    if filters.language:
        queryset = queryset.filter(language=filters.language)
    if filters.q:
        queryset = queryset.filter(title__icontains=filters.q)
    return queryset.prefetch_related(
        Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug", "keywords"))
    ).order_by("-score", "-last_seen_at", "-id")


def sparkline_series(*, trend_ids: list[int], points: int = SPARKLINE_POINTS) -> dict[int, list[float]]:
    """The last `points` snapshot scores of each trend, oldest first (one query)."""
    series: dict[int, list[float]] = defaultdict(list)
    if not trend_ids:
        return series
    since = timezone.now() - dt.timedelta(days=7)
    rows = (
        TrendSnapshot.objects.filter(trend_id__in=trend_ids, taken_at__gte=since)
        .order_by("trend_id", "-taken_at")
        .values_list("trend_id", "score")
    )
    for tid, score in rows:
        bucket = series[tid]
        if len(bucket) < points:
            bucket.append(score)
    return {tid: list(reversed(values)) for tid, values in series.items()}


def topics_for_workspace(*, workspace: Workspace) -> QuerySet[Topic]:
    return Topic.objects.filter(workspace=workspace).order_by("name")


def trend_languages(*, workspace: Workspace) -> list[str]:
    return sorted(
        set(
            Trend.objects.filter(STORY, workspace=workspace, status=TrendStatus.ACTIVE)
            .exclude(language="")
            .order_by()
            .values_list("language", flat=True)
            .distinct()
        )
    )


def trend_for_user(*, user: User, pk: int) -> Trend:
    """The trend if the user belongs to its workspace; 404 otherwise (outsiders learn nothing). A trend that is
    not a story (one item from one source, see STORY) has no page either: its item is found as an item. A
    merged trend is returned so the page can send the reader on to the trend it joined."""
    trend = Trend.objects.filter(pk=pk).select_related("workspace").first()
    if trend is None:
        raise NotFound("Not found.")
    require_member(user=user, workspace=trend.workspace)
    if not trend.merged_into_id and trend.item_count < 2 and trend.source_count < 2:
        raise NotFound("Not a story yet: this trend has a single item.")
    return trend


def trend_items(*, trend: Trend) -> QuerySet[TrendItem]:
    return (
        TrendItem.objects.filter(trend=trend)
        .select_related("item__source")
        .only(
            "id",
            "trend_id",
            "item_id",
            "similarity",
            "counted",
            "published_at",
            "domain",
            "item__id",
            "item__title",
            "item__url",
            "item__canonical_url",
            "item__language",
            "item__published_at",
            "item__text",
            "item__duplicate_of_id",
            "item__source__id",
            "item__source__name",
            "item__source__url",
        )
        .order_by("-published_at", "-id")
    )


@dataclass
class SourceGroup:
    source_id: int
    name: str
    items: list[Item]
    duplicates: int


def trend_items_by_source(*, trend: Trend, limit: int = 500) -> list[SourceGroup]:
    groups: OrderedDict[int, SourceGroup] = OrderedDict()
    for ti in trend_items(trend=trend)[:limit]:
        item = ti.item
        # Shown by the trend page beside each item (Item declares no such fields).
        item.trend_similarity = ti.similarity  # type: ignore[attr-defined]
        item.trend_counted = ti.counted  # type: ignore[attr-defined]
        group = groups.get(item.source_id)
        if group is None:
            group = groups[item.source_id] = SourceGroup(item.source_id, str(item.source), [], 0)
        group.items.append(item)
        group.duplicates += 0 if ti.counted else 1
    return sorted(groups.values(), key=lambda g: (-len(g.items), g.name.lower()))


def trend_history(*, trend: Trend, days: int = 14) -> list[TrendSnapshot]:
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        TrendSnapshot.objects.filter(trend=trend, taken_at__gte=since)
        .only("taken_at", "score", "item_count", "source_count", "rate_last_hour")
        .order_by("taken_at")
    )


def trend_item_timeline(*, trend: Trend, buckets: int = 48) -> list[tuple[dt.datetime, int]]:
    """Items per time bucket across the trend's lifetime (for the timeline chart's bars)."""
    times = list(TrendItem.objects.filter(trend=trend, counted=True).values_list("published_at", flat=True))
    if not times:
        return []
    start, end = min(times), max(times)
    span = max((end - start).total_seconds(), 3600.0)
    step = span / buckets
    counts = [0] * buckets
    for t in times:
        counts[min(int((t - start).total_seconds() / step), buckets - 1)] += 1
    return [(start + dt.timedelta(seconds=step * n), c) for n, c in enumerate(counts)]


def personas_for_workspace(*, workspace: Workspace) -> QuerySet[Persona]:
    return Persona.objects.filter(workspace=workspace).order_by("name")


def persona_for_user(*, user: User, workspace: Workspace, pk: int | str) -> Persona:
    persona = Persona.objects.filter(workspace=workspace, pk=pk).first()
    if persona is None:
        raise NotFound("Not found.")
    require_member(user=user, workspace=persona.workspace)
    return persona


# "What to write next": a trend suits a persona when its text is close, in the workspace's embedding space, to
# one of the persona's topics (cosine >= TOPIC_MATCH) or writing samples (>= SAMPLE_MATCH), or when a topic
# is named in it outright (every word of the topic among the trend's title and keywords: names like "Helio").
# Any single shared word is not enough: a game developers' union story is no "Developer tools" story.
TOPIC_MATCH = 0.30
SAMPLE_MATCH = 0.45
PERSONA_SAMPLES = 20


def _trend_text(trend: Trend) -> str:
    keywords = ", ".join(map(str, trend.keywords or []))
    return ". ".join(part for part in (trend.title, keywords, (trend.summary or "")[:400]) if part)


def _persona_matches(persona: Persona, trends: list[Trend], workspace: Workspace) -> dict[int, list[str]]:
    """trend id -> what of the persona it matched (topic names, or "sample: <title>"); unmatched trends absent."""

    topics = [str(t).strip() for t in (persona.topics or []) if str(t).strip()][:50]
    samples = list(persona.samples.order_by("-pk").only("title", "text")[:PERSONA_SAMPLES])
    out: dict[int, list[str]] = {}
    for trend in trends:
        tags = [t.name for t in trend.topics.all()]
        words = set(tokenize(" ".join([trend.title, *map(str, trend.keywords or []), *tags])))
        named = [t for t in topics if (stems := set(tokenize(t))) and stems <= words]
        if named:
            out[trend.pk] = named
    if not trends or not (topics or samples):
        return out
    provider = embeddings.provider_for(trend_settings_for(workspace_id=workspace.pk))
    if provider is None:
        return out
    try:
        matrix = provider.embed(
            [*topics, *(embeddings.embed_text(s.title, s.text) for s in samples), *map(_trend_text, trends)]
        )
    except embeddings.EmbeddingError:
        return out  # the provider is unavailable: names only
    profile, trend_vectors = matrix[: len(topics) + len(samples)], matrix[len(topics) + len(samples) :]
    sims = trend_vectors @ profile.T
    thresholds = np.array([TOPIC_MATCH] * len(topics) + [SAMPLE_MATCH] * len(samples))
    labels = topics + [f"sample: {(s.title or s.text)[:40]}" for s in samples]
    for row, trend in enumerate(trends):
        hits = np.flatnonzero(sims[row] >= thresholds)
        if hits.size:
            best = sorted(hits.tolist(), key=lambda j: -sims[row, j])[:3]
            out[trend.pk] = list(dict.fromkeys([*out.get(trend.pk, []), *(labels[j] for j in best)]))
    return out


def trends_to_write_next(
    *, workspace: Workspace, persona: Persona | None = None, limit: int = 20, window_hours: int = 72
) -> list[Trend]:
    """Rising stories (trends of at least two items or two sources) that have no post yet, best score first;
    for a persona, only those that match its topics or samples by meaning (embeddings; see TOPIC_MATCH) or name
    one of its topics. Rising: items in the last hour, or a velocity factor above 1."""
    since = timezone.now() - dt.timedelta(hours=window_hours)
    # Through the reverse relation (Post.trend, related_name="posts"): trends stand below posts.
    has_post = Exists(Trend.objects.filter(pk=OuterRef("pk"), posts__isnull=False))
    candidates = (
        Trend.objects.filter(workspace=workspace, status=TrendStatus.ACTIVE, last_seen_at__gte=since, score__gt=0)
        .filter(STORY)
        .annotate(has_post=has_post)
        .filter(has_post=False)
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.only("id", "name", "slug", "keywords")))
        .order_by("-score")[:500]
    )
    rising: list[Trend] = [t for t in candidates if t.rate_last_hour > 0 or t.velocity > 1.0]
    if persona is None:
        return rising[:limit]
    matches = _persona_matches(persona, list(rising), workspace)
    out: list[Trend] = []
    for trend in rising:
        if trend.pk in matches:
            trend.matched_words = matches[trend.pk]  # type: ignore[attr-defined]  # shown by the API
            out.append(trend)
            if len(out) >= limit:
                break
    return out
