"""Reads for sources and items, always scoped to a workspace or to the user's workspaces."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import NotFound

from .engagement import velocity
from .models import TRUST_WEIGHTS, FetchAttempt, FilterRule, Item, Source, SourceKind, SourceStatus
from .tokenize import needs_segmentation, tokenize

if TYPE_CHECKING:
    from apps.accounts.models import User, Workspace


def sources_for_workspace(*, workspace: Workspace | int) -> QuerySet[Source]:
    return Source.objects.filter(workspace=workspace).order_by("name", "id")


def source_for_user(*, user: User, pk: int | str) -> Source:
    """A source of one of the user's workspaces, else 404."""
    source: Source | None = Source.objects.visible_to(user).filter(pk=pk).select_related("workspace").first()
    if source is None:
        raise NotFound(_("Source not found."))
    return source


def search_items(*, queryset: QuerySet[Item], q: str) -> QuerySet[Item]:
    """Full-text search: PostgreSQL search vectors when on PostgreSQL, icontains per word elsewhere.
    Chinese, Japanese and Korean queries are segmented the way items are (apps/sources/tokenize.py)."""
    q = q.strip()[:200]
    if not q:
        return queryset
    segmented = needs_segmentation(q)
    if connection.vendor == "postgresql":
        # "simple" keeps words as written, so Russian and English items are searched alike. The match
        # uses the expression of the sources_item_fts GIN index; the rank weighs title above text.
        if segmented:
            query = SearchQuery(" ".join(tokenize(q, for_index=False)), search_type="plain", config="simple")
        else:
            query = SearchQuery(q, search_type="websearch", config="simple")
        weighted = (
            SearchVector("title", weight="A", config="simple")
            + SearchVector("text", weight="B", config="simple")
            + SearchVector("search_tokens", weight="B", config="simple")
        )
        return (
            queryset.annotate(search_vector=SearchVector("title", "text", "search_tokens", config="simple"))
            .filter(search_vector=query)
            .annotate(search_rank=SearchRank(weighted, query))
            .order_by("-search_rank", "-published_at", "-id")
        )
    condition = Q()
    words = tokenize(q, for_index=False) if segmented else q.split()
    for word in words[:8]:
        condition &= Q(title__icontains=word) | Q(text__icontains=word) | Q(search_tokens__icontains=word)
    return queryset.filter(condition)


def items_for_workspace(
    *,
    workspace: Workspace | int,
    source: Source | None = None,
    q: str = "",
    language: str = "",
    kind: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    include_duplicates: bool = False,
    sentiment: str = "",
    hidden: str = "",
) -> QuerySet[Item]:
    """The workspace's item stream, newest first; near-duplicates hidden unless asked for. Items a
    rule dropped and muted stories are left out, or shown alone with hidden="dropped"/"muted"."""
    queryset: QuerySet[Item] = Item.objects.filter(workspace=workspace).select_related("source", "filtered_by")
    if hidden == "dropped":
        queryset = queryset.exclude(filter_reason="")
    elif hidden == "muted":
        queryset = queryset.filter(muted_at__isnull=False)
    else:
        queryset = queryset.filter(filter_reason="", muted_at__isnull=True)
    if source is not None:
        queryset = queryset.filter(source=source)
    if not include_duplicates:
        queryset = queryset.filter(duplicate_of__isnull=True)
    if language:
        queryset = queryset.filter(language=language)
    if kind:
        queryset = queryset.filter(source__kind=kind)
    if since:
        queryset = queryset.filter(published_at__gte=since)
    if until:
        queryset = queryset.filter(published_at__lt=until)
    if sentiment == "positive":
        queryset = queryset.filter(sentiment__gt=0.1)
    elif sentiment == "negative":
        queryset = queryset.filter(sentiment__lt=-0.1)
    elif sentiment == "neutral":
        queryset = queryset.filter(sentiment__gte=-0.1, sentiment__lte=0.1)
    counted: QuerySet[Item] = queryset.annotate(duplicate_count=Count("duplicates"))
    return search_items(queryset=counted, q=q) if q else counted.order_by("-published_at", "-id")


def item_for_user(user: User, pk: int | str) -> Item:
    """An item of one of the user's workspaces, else 404 (takes user and pk by keyword or position)."""
    item: Item | None = Item.objects.visible_to(user).filter(pk=pk).select_related("source", "workspace").first()
    if item is None:
        raise NotFound(_("Item not found."))
    return item


def item_duplicates(*, item: Item) -> QuerySet[Item]:
    return Item.objects.filter(duplicate_of=item).select_related("source").order_by("published_at", "id")


def attempts_for_source(*, source: Source, limit: int = 20) -> QuerySet[FetchAttempt]:
    return FetchAttempt.objects.filter(source=source).order_by("-started_at", "-id")[:limit]


def attempts_for_workspace(*, workspace: Workspace | int) -> QuerySet[FetchAttempt]:
    return FetchAttempt.objects.filter(workspace=workspace).select_related("source").order_by("-started_at", "-id")


def items_per_day(
    *, workspace: Workspace | int, source: Source | None = None, days: int = 14
) -> list[tuple[date, int]]:
    """Items fetched per day over the last `days` days (zero-filled), oldest first."""
    today = timezone.now().date()
    start = today - timedelta(days=days - 1)
    queryset = Item.objects.filter(workspace=workspace, published_at__date__gte=start)
    if source is not None:
        queryset = queryset.filter(source=source)
    counts = dict(
        queryset.annotate(day=TruncDate("published_at")).values("day").annotate(n=Count("id")).values_list("day", "n")
    )
    return [(start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)]


def items_per_day_by_source(*, workspace: Workspace | int, days: int = 14) -> dict[int, list[int]]:
    """{source_id: [count per day, oldest first]} for sparkline charts, in one query."""
    today = timezone.now().date()
    start = today - timedelta(days=days - 1)
    rows = (
        Item.objects.filter(workspace=workspace, published_at__date__gte=start)
        .annotate(day=TruncDate("published_at"))
        .values("source_id", "day")
        .annotate(n=Count("id"))
        .values_list("source_id", "day", "n")
    )
    result: dict[int, list[int]] = {}
    for source_id, day, n in rows:
        series = result.setdefault(source_id, [0] * days)
        index = (day - start).days
        if 0 <= index < days:
            series[index] = n
    return result


def workspace_languages(*, workspace: Workspace | int) -> list[str]:
    return list(
        Item.objects.filter(workspace=workspace)
        .exclude(language="")
        .values_list("language", flat=True)
        .distinct()
        .order_by("language")
    )


def rules_for_workspace(*, workspace: Workspace | int) -> QuerySet[FilterRule]:
    return (
        FilterRule.objects.filter(workspace=workspace)
        .select_related("source")
        .order_by(F("source_id").asc(nulls_first=True), "id")
    )


def rule_for_user(*, user: User, pk: int | str) -> FilterRule:
    rule: FilterRule | None = FilterRule.objects.visible_to(user).filter(pk=pk).first()
    if rule is None:
        raise NotFound(_("Rule not found."))
    return rule


def dropped_items_for_source(*, source: Source, limit: int = 20) -> list[Item]:
    """The latest items the rules dropped from this source, with the rule that did it."""
    return list(
        Item.objects.filter(source=source)
        .exclude(filter_reason="")
        .select_related("filtered_by")
        .order_by("-fetched_at", "-id")[:limit]
    )


def source_kind_health(*, workspace: Workspace | int) -> list[dict[str, Any]]:
    """Per kind in use: sources, how many are failing or paused, and items in the last 24 hours."""
    since = timezone.now() - timedelta(hours=24)
    rows = (
        Source.objects.filter(workspace=workspace)
        .values("kind")
        .annotate(
            sources=Count("id", distinct=True),
            failing=Count("id", filter=Q(status=SourceStatus.FAILING), distinct=True),
            paused=Count("id", filter=Q(status=SourceStatus.PAUSED), distinct=True),
        )
        .order_by("kind")
    )
    recent = dict(
        Item.objects.filter(workspace=workspace, fetched_at__gte=since)
        .values("source__kind")
        .annotate(n=Count("id"))
        .values_list("source__kind", "n")
    )
    labels = dict(SourceKind.choices)
    return [
        {**row, "label": labels.get(row["kind"], row["kind"]), "items_24h": recent.get(row["kind"], 0)} for row in rows
    ]


@dataclass
class ItemSignal:
    item_id: int
    kind: str
    title: str
    canonical_url: str
    published_at: datetime
    signals: dict[str, Any]
    engagement: float
    trust_weight: float
    velocity: float


def item_signals(
    *,
    workspace: Workspace | int,
    since: datetime | None = None,
    item_ids: Iterable[int] | None = None,
    kinds: Iterable[str] | None = None,
) -> list[ItemSignal]:
    """Engagement of the workspace's visible items (every kind's signals under one vocabulary, a 0..1
    engagement comparable across kinds, the source's trust weight, and velocity: engagement per hour
    since publication), strongest velocity first. For trends to weigh clusters by."""
    now = timezone.now()
    queryset = Item.objects.filter(workspace=workspace, filter_reason="", muted_at__isnull=True).exclude(signals={})
    if since is not None:
        queryset = queryset.filter(published_at__gte=since)
    if item_ids is not None:
        queryset = queryset.filter(pk__in=list(item_ids))
    if kinds:
        queryset = queryset.filter(source__kind__in=list(kinds))
    rows = queryset.values_list(
        "id", "source__kind", "title", "canonical_url", "published_at", "signals", "engagement", "source__trust"
    )
    out = [
        ItemSignal(
            item_id=pk,
            kind=kind,
            title=title,
            canonical_url=url,
            published_at=published,
            signals=signals,
            engagement=engagement,
            trust_weight=TRUST_WEIGHTS.get(trust, 1.0),
            velocity=velocity(engagement, published_at=published, now=now),
        )
        for pk, kind, title, url, published, signals, engagement, trust in rows.iterator()
    ]
    out.sort(key=lambda s: s.velocity * s.trust_weight, reverse=True)
    return out


def search_trend_terms(*, workspace: Workspace | int, since: datetime | None = None) -> list[dict[str, Any]]:
    """Google Trends search terms seen by the workspace's sources (term, country, traffic, engagement)."""
    queryset = Item.objects.filter(workspace=workspace, source__kind=SourceKind.GOOGLE_TRENDS, filter_reason="")
    if since is not None:
        queryset = queryset.filter(published_at__gte=since)
    return [
        {
            "term": title,
            "geo": (options or {}).get("geo", ""),
            "traffic": (signals or {}).get("traffic"),
            "engagement": engagement,
            "published_at": published,
        }
        for title, options, signals, engagement, published in queryset.order_by("-engagement").values_list(
            "title", "source__options", "signals", "engagement", "published_at"
        )
    ]
