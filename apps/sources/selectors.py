"""Reads for sources and items, always scoped to a workspace or to the user's workspaces."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import NotFound

from .models import FetchAttempt, Item, Source


def sources_for_workspace(*, workspace) -> QuerySet[Source]:
    return Source.objects.filter(workspace=workspace).order_by("name", "id")


def source_for_user(*, user, pk) -> Source:
    """A source of one of the user's workspaces, else 404."""
    source = Source.objects.visible_to(user).filter(pk=pk).select_related("workspace").first()
    if source is None:
        raise NotFound(_("Source not found."))
    return source


def search_items(*, queryset: QuerySet[Item], q: str) -> QuerySet[Item]:
    """Full-text search: PostgreSQL search vectors when on PostgreSQL, icontains per word elsewhere."""
    q = q.strip()[:200]
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        # "simple" keeps words as written, so Russian and English items are searched alike. The match
        # uses the expression of the sources_item_fts GIN index; the rank weighs title above text.
        query = SearchQuery(q, search_type="websearch", config="simple")
        weighted = SearchVector("title", weight="A", config="simple") + SearchVector(
            "text", weight="B", config="simple"
        )
        return (
            queryset.annotate(search_vector=SearchVector("title", "text", config="simple"))
            .filter(search_vector=query)
            .annotate(search_rank=SearchRank(weighted, query))
            .order_by("-search_rank", "-published_at", "-id")
        )
    condition = Q()
    for word in q.split()[:8]:
        condition &= Q(title__icontains=word) | Q(text__icontains=word)
    return queryset.filter(condition)


def items_for_workspace(
    *,
    workspace,
    source=None,
    q: str = "",
    language: str = "",
    kind: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    include_duplicates: bool = False,
    sentiment: str = "",
) -> QuerySet[Item]:
    """The workspace's item stream, newest first; near-duplicates hidden unless asked for."""
    queryset = Item.objects.filter(workspace=workspace).select_related("source")
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
    queryset = queryset.annotate(duplicate_count=Count("duplicates"))
    return search_items(queryset=queryset, q=q) if q else queryset.order_by("-published_at", "-id")


def item_for_user(user, pk) -> Item:
    """An item of one of the user's workspaces, else 404 (takes user and pk by keyword or position)."""
    item = Item.objects.visible_to(user).filter(pk=pk).select_related("source", "workspace").first()
    if item is None:
        raise NotFound(_("Item not found."))
    return item


def item_duplicates(*, item: Item) -> QuerySet[Item]:
    return Item.objects.filter(duplicate_of=item).select_related("source").order_by("published_at", "id")


def attempts_for_source(*, source: Source, limit: int = 20) -> QuerySet[FetchAttempt]:
    return FetchAttempt.objects.filter(source=source).order_by("-started_at", "-id")[:limit]


def attempts_for_workspace(*, workspace) -> QuerySet[FetchAttempt]:
    return FetchAttempt.objects.filter(workspace=workspace).select_related("source").order_by("-started_at", "-id")


def items_per_day(*, workspace, source: Source | None = None, days: int = 14) -> list[tuple[date, int]]:
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


def items_per_day_by_source(*, workspace, days: int = 14) -> dict[int, list[int]]:
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


def workspace_languages(*, workspace) -> list[str]:
    return list(
        Item.objects.filter(workspace=workspace)
        .exclude(language="")
        .values_list("language", flat=True)
        .distinct()
        .order_by("language")
    )
