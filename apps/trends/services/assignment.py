"""Incremental clustering of newly ingested items into the workspace's trends."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from apps.sources.models import Item
from apps.trends import embeddings
from apps.trends.clustering import (
    BatchResult,
    Clusterer,
    Description,
    DocumentFrequencies,
    Member,
    Params,
    Record,
    describe,
)
from apps.trends.clustering.text import tokenize
from apps.trends.metrics import TREND_ITEMS_ASSIGNED
from apps.trends.models import ItemEmbedding, Topic, Trend, TrendItem, TrendSettings, TrendStatus

logger = logging.getLogger(__name__)

CENTROID_TERMS = 64
DESCRIBE_MEMBERS = 15


@dataclass
class AssignmentOutcome:
    assigned: int = 0
    duplicates: int = 0
    created: list[int] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    merged: dict[int, int] = field(default_factory=dict)


class _ItemRow(NamedTuple):
    pk: int
    title: str
    text: str
    published_at: dt.datetime
    language: str
    canonical_url: str
    url: str
    duplicate_of_id: int | None
    source_id: int
    source__url: str


def trend_settings_for(*, workspace_id: int, lock: bool = False) -> TrendSettings:
    settings, _created = TrendSettings.objects.get_or_create(workspace_id=workspace_id)
    if lock:
        settings = TrendSettings.objects.select_for_update().get(pk=settings.pk)
    return settings


def params_from(settings: TrendSettings) -> Params:
    # The workspace's similarity threshold shifts the embedding thresholds by as much as it moved from
    # its default, so the one knob keeps working with embeddings on.
    shift = settings.similarity_threshold - DEFAULT_SIMILARITY_THRESHOLD
    return Params(
        threshold=settings.similarity_threshold,
        merge_threshold=settings.merge_threshold,
        window_hours=float(settings.window_hours),
        centroid_terms=CENTROID_TERMS,
        dense_thresholds=tuple((words, t + shift) for words, t in DENSE_THRESHOLDS),
        dense_weights=DENSE_WEIGHTS,
        merge_dense_thresholds=tuple((words, t + shift) for words, t in MERGE_DENSE_THRESHOLDS),
        merge_size_slope=MERGE_SIZE_SLOPE,
        merge_no_chain=True,
        anchor_min_words=ANCHOR_MIN_WORDS,
        anchor_threshold=ANCHOR_THRESHOLD,
        anchor_terms=ANCHOR_TERMS,
        anchor_cohesion=ANCHOR_COHESION,
        anchor_weight=ANCHOR_WEIGHT,
        number_penalty=NUMBER_PENALTY,
        number_min_size=NUMBER_MIN_SIZE,
        number_core=NUMBER_CORE,
        reassign=True,
    )


DEFAULT_SIMILARITY_THRESHOLD = 0.25
# (item length in words, value), interpolated in log(words). Chosen on the dev halves of the real labelled
# sets over four seeds of the split (benchmarks/eval_trends_real.py, figures in benchmarks/RESULTS.md):
# headlines (~7 words, GoogleNews titles), feed items (~30 words, title + snippet), full articles (~300+
# words, ECB+).
DENSE_THRESHOLDS = ((8.0, 0.26), (35.0, 0.30), (300.0, 0.36))
DENSE_WEIGHTS = ((8.0, 0.75), (35.0, 0.6), (300.0, 0.2))
# Consolidation: clusters whose centroids agree this much (same blend, at the shorter one's mean length)
# merge, which joins the fragments a story's first items start (GoogleNews dev F1 0.92 -> 0.94, titles
# 0.78 -> 0.86); full articles only merge on their words (merge_threshold), look-alike events stay apart.
MERGE_DENSE_THRESHOLDS = ((8.0, 0.26), (35.0, 0.40), (300.0, 0.90))
# ... plus 0.03 * log(size of the smaller cluster), and no chains within one pass (engine.Params): a
# headline fragment joins its story at 0.26, two clusters of 20 items each need 0.35. Dev halves, four seeds:
# GoogleNews F1 0.938 -> 0.941 (P 0.936 -> 0.952), titles only 0.855 -> 0.865 (P 0.875 -> 0.898).
MERGE_SIZE_SLOPE = 0.03
# Items of >= 20 words join a trend only when their names and numbers agree with its (anchor cosine >=
# 0.3; items without capitals or digits, such as the lower-cased GoogleNews, are not gated): chosen on the
# ECB+ dev halves; it also keeps a company's look-alike events apart in feed items.
ANCHOR_MIN_WORDS = 20.0
ANCHOR_THRESHOLD = 0.3
ANCHOR_TERMS = 32
# ... for one item against one item: the threshold grows with the two clusters' sizes (engine.Params:
# anchor_cohesion; measured on ECB+ dev, the best anchor threshold between two reports of one event and the
# look-alike event's rises from 0.30 for single articles to 0.47 for clusters of 3 and 0.71 for 6), and it
# weighs in (margin + 0.75 * (anchor cosine - threshold)) instead of gating items, so a close report in
# other words still joins. With the second chance (engine.Params.reassign) and the full-article threshold
# 0.28 -> 0.36, ECB+ dev over four seeds: F1 0.876 -> 0.905 (P 0.843 -> 0.918), look-alike pairs apart
# 51/84 -> 64/84.
ANCHOR_COHESION = 0.35
ANCHOR_WEIGHT = 0.75
# Numbers that disagree (engine.Params.number_*): a long item with numbers, none of which a cluster of two or
# more has in 70 % of its members, loses 0.1 of margin. Two reports of one event share their dates and
# figures; a look-alike event's differ. ECB+ dev over four seeds: F1 0.905 -> 0.915, P 0.918 -> 0.961, pairs
# apart 64/84 -> 70/84 (three seeds up, one down 0.918 -> 0.906); GoogleNews unchanged.
NUMBER_PENALTY = 0.1
NUMBER_MIN_SIZE = 2
NUMBER_CORE = 0.7


def item_embeddings(
    *, workspace_id: int, item_ids: list[int], settings: TrendSettings | None = None
) -> dict[int, np.ndarray]:
    """The items' stored embeddings from the workspace's provider, computing and storing the missing
    ones (item id -> unit float32 vector). A provider that fails leaves the items without (words only)."""
    settings = settings or trend_settings_for(workspace_id=workspace_id)
    provider = embeddings.provider_for(settings)
    if provider is None or not item_ids:
        return {}
    stored = {
        row.item_id: embeddings.from_bytes(row.vector)
        for row in ItemEmbedding.objects.filter(item_id__in=item_ids, model=provider.name)
    }
    missing = list(
        Item.objects.filter(workspace_id=workspace_id, pk__in=[i for i in item_ids if i not in stored]).values_list(
            "id", "title", "text"
        )
    )
    if missing:
        try:
            matrix = provider.embed([embeddings.embed_text(title, text) for _id, title, text in missing])
        except embeddings.EmbeddingError as exc:
            logger.warning("workspace %s: embeddings unavailable (%s); clustering by words only", workspace_id, exc)
            return {k: v for k, v in stored.items() if v is not None}
        _store_item_embeddings([item_id for item_id, _t, _x in missing], provider.name, matrix)
        stored.update({item_id: matrix[n] for n, (item_id, _t, _x) in enumerate(missing)})
    return {k: v for k, v in stored.items() if v is not None}


def _store_item_embeddings(item_ids: list[int], model: str, matrix: np.ndarray) -> None:
    """Upsert the items' vectors: one INSERT ... SELECT FROM unnest ... ON CONFLICT on PostgreSQL (a
    bulk_create of 1,000 rows costs more in building and parsing its SQL than the database spends on it)."""
    blobs = [embeddings.to_bytes(matrix[n]) for n in range(len(item_ids))]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO trends_itemembedding (item_id, model, vector)
                SELECT u.item_id, %s, u.vector FROM unnest(%s::bigint[], %s::bytea[]) AS u(item_id, vector)
                ON CONFLICT (item_id) DO UPDATE SET model = EXCLUDED.model, vector = EXCLUDED.vector
                """,
                [model, item_ids, blobs],
            )
        return
    ItemEmbedding.objects.filter(item_id__in=item_ids).delete()
    ItemEmbedding.objects.bulk_create(
        [ItemEmbedding(item_id=i, model=model, vector=b) for i, b in zip(item_ids, blobs, strict=True)],
        ignore_conflicts=True,
    )


def _insert_trend_items(rows: list[TrendItem]) -> None:
    """Insert the new memberships (items already in a trend are left as they are): one
    INSERT ... SELECT FROM unnest on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    TREND_ITEMS_ASSIGNED.inc(len(rows))
    if connection.vendor != "postgresql":
        TrendItem.objects.bulk_create(rows, ignore_conflicts=True)
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO trends_trenditem
                   (trend_id, item_id, workspace_id, source_id_copy, domain, published_at, similarity, counted,
                    added_at)
            SELECT u.trend_id, u.item_id, u.workspace_id, u.source_id_copy, u.domain, u.published_at,
                   u.similarity, u.counted, %s
              FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::bigint[], %s::text[], %s::timestamptz[],
                          %s::float8[], %s::bool[])
                   AS u(trend_id, item_id, workspace_id, source_id_copy, domain, published_at, similarity, counted)
            ON CONFLICT (item_id) DO NOTHING
            """,
            [
                now,
                [r.trend_id for r in rows],
                [r.item_id for r in rows],
                [r.workspace_id for r in rows],
                [r.source_id_copy for r in rows],
                [r.domain for r in rows],
                [r.published_at for r in rows],
                [float(r.similarity) for r in rows],
                [bool(r.counted) for r in rows],
            ],
        )


def domain_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _timestamp(moment: dt.datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


def items_assign_to_trends(*, workspace_id: int, item_ids: list[int]) -> AssignmentOutcome:
    """Cluster the given items (of one workspace) into its trends. Items already in a trend are skipped;
    near-duplicates join their original's trend without counting. Runs under the workspace's settings
    row lock, so two batches of one workspace never interleave."""
    outcome = AssignmentOutcome()
    # Embeddings first, outside the lock (a remote provider may take a while).
    vectors = item_embeddings(workspace_id=workspace_id, item_ids=item_ids)
    with transaction.atomic():
        settings = trend_settings_for(workspace_id=workspace_id, lock=True)
        items = _unassigned_rows(workspace_id=workspace_id, item_ids=item_ids)
        if not items:
            return outcome
        df = DocumentFrequencies.from_bytes(settings.document_frequencies, settings.document_count)
        clusterer = _clusterer_with_live_trends(settings=settings, df=df, items=items)
        records, followers = _records_and_followers(items, vectors=vectors)
        result = clusterer.add(records)

        # New clusters become trends; absorbed stored trends are marked merged and their items move.
        trend_id = _new_trends_create(workspace_id=workspace_id, clusterer=clusterer, created=result.created)

        def resolve(key: int) -> int:
            return trend_id.get(key, key)

        absorbed = {key: resolve(survivor) for key, survivor in result.merged.items() if key > 0}
        _absorbed_merge(absorbed)
        outcome.merged = absorbed
        rows = _trend_item_rows(items, workspace_id=workspace_id, followers=followers, result=result, resolve=resolve)
        _insert_trend_items(rows)
        outcome.assigned = sum(1 for r in rows if r.counted)
        outcome.duplicates = sum(1 for r in rows if not r.counted)

        touched = {resolve(k) for k in result.touched} | set(followers.values()) | set(absorbed.values())
        _touched_refresh(
            workspace_id=workspace_id, clusterer=clusterer, result=result, resolve=resolve, touched=touched, df=df
        )
        settings.document_frequencies = df.to_bytes()
        settings.document_count = df.n_docs
        settings.save(update_fields=["document_frequencies", "document_count", "updated_at"])
        outcome.created = sorted(trend_id.values())
        outcome.touched = sorted(touched)
    return outcome


def _unassigned_rows(*, workspace_id: int, item_ids: list[int]) -> list[_ItemRow]:
    # Plain rows, not model instances (building 1,000 Items and their Sources costs more than the query).
    return [
        _ItemRow(*row)
        for row in Item.objects.filter(workspace_id=workspace_id, pk__in=item_ids, trend_item__isnull=True).values_list(
            *_ItemRow._fields
        )
    ]


def _clusterer_with_live_trends(
    *, settings: TrendSettings, df: DocumentFrequencies, items: list[_ItemRow]
) -> Clusterer:
    """A clusterer holding the workspace's active trends seen within the window before the batch."""
    clusterer = Clusterer(params_from(settings), df)
    earliest = min(i.published_at for i in items)
    horizon = earliest - dt.timedelta(hours=settings.window_hours)
    live = Trend.objects.filter(
        workspace_id=settings.workspace_id, status=TrendStatus.ACTIVE, last_seen_at__gte=horizon
    ).only("id", "centroid", "item_count", "first_seen_at", "last_seen_at", "language", "embedding", "embedded_count")
    for trend in live:
        clusterer.load_cluster(
            key=trend.pk,
            centroid=trend.centroid,
            size=trend.item_count,
            first_seen=_timestamp(trend.first_seen_at),
            last_seen=_timestamp(trend.last_seen_at),
            cyrillic=trend.item_count if trend.language == "ru" else 0,
            embedding=embeddings.from_bytes(trend.embedding),
            embedded=trend.embedded_count,
        )
    return clusterer


def _records_and_followers(
    items: list[_ItemRow], *, vectors: dict[int, np.ndarray]
) -> tuple[list[Record], dict[int, int]]:
    """The items to cluster, and {item: trend} for near-duplicates whose original already sits in a
    trend (they follow it directly)."""
    by_id = {item.pk: item for item in items}
    originals = {
        ti.item_id: ti.trend_id
        for ti in TrendItem.objects.filter(item_id__in={i.duplicate_of_id for i in items if i.duplicate_of_id}).only(
            "item_id", "trend_id"
        )
    }
    records = []
    followers: dict[int, int] = {}
    for item in items:
        if item.duplicate_of_id in originals:
            followers[item.pk] = originals[item.duplicate_of_id]
            continue
        records.append(
            Record(
                id=item.pk,
                title=item.title,
                text=item.text,
                published_at=item.published_at.timestamp(),
                source=item.source_id,
                duplicate_of=item.duplicate_of_id if item.duplicate_of_id in by_id else None,
                language=item.language,
                embedding=vectors.get(item.pk),
            )
        )
    return records, followers


def _new_trends_create(*, workspace_id: int, clusterer: Clusterer, created: set[int]) -> dict[int, int]:
    """A trend for each new cluster; {cluster key: trend id}."""
    new_trends = {
        key: Trend(
            workspace_id=workspace_id,
            title="…",
            first_seen_at=dt.datetime.fromtimestamp(clusterer.clusters[key].first_seen, dt.UTC),
            last_seen_at=dt.datetime.fromtimestamp(clusterer.clusters[key].last_seen, dt.UTC),
        )
        for key in sorted(created)
    }
    Trend.objects.bulk_create(new_trends.values())
    return {key: trend.pk for key, trend in new_trends.items()}


def _absorbed_merge(absorbed: dict[int, int]) -> None:
    """Stored trends absorbed by another: their items move to it and they are marked merged."""
    now = timezone.now()
    for old, survivor in absorbed.items():
        TrendItem.objects.filter(trend_id=old).update(trend_id=survivor)
        Trend.objects.filter(pk=old).update(
            status=TrendStatus.MERGED, merged_into_id=survivor, score=0.0, centroid={}, updated_at=now
        )


def _trend_item_rows(
    items: list[_ItemRow],
    *,
    workspace_id: int,
    followers: dict[int, int],
    result: BatchResult,
    resolve: Callable[[int], int],
) -> list[TrendItem]:
    rows = []
    for item in items:
        if item.pk in followers:
            target, counted, similarity = followers[item.pk], False, 1.0
        elif item.pk in result.assignments:
            target = resolve(result.assignments[item.pk])
            counted = item.pk not in result.duplicates
            similarity = result.similarities.get(item.pk, 0.0)
        else:
            continue
        rows.append(
            TrendItem(
                trend_id=target,
                item_id=item.pk,
                workspace_id=workspace_id,
                source_id_copy=item.source_id,
                domain=domain_of(item.canonical_url or item.url or item.source__url),
                published_at=item.published_at,
                similarity=similarity,
                counted=counted,
            )
        )
    return rows


def _touched_refresh(
    *,
    workspace_id: int,
    clusterer: Clusterer,
    result: BatchResult,
    resolve: Callable[[int], int],
    touched: set[int],
    df: DocumentFrequencies,
) -> None:
    """The touched trends recounted and redescribed, with their new centroids and mean embeddings."""
    centroids = {
        resolve(k): clusterer.clusters[k].stored_centroid(CENTROID_TERMS, ANCHOR_TERMS)
        for k in result.touched
        if k in clusterer.clusters
    }
    trends_refresh(workspace_id=workspace_id, trend_ids=sorted(touched), centroids=centroids, df=df)
    _save_embeddings(
        {
            resolve(k): (mean, clusterer.clusters[k].dense_n)
            for k in result.touched
            if k in clusterer.clusters and (mean := clusterer.clusters[k].dense_mean()) is not None
        }
    )


def trends_refresh(
    *,
    workspace_id: int,
    trend_ids: list[int],
    centroids: dict[int, dict[int, float]] | None = None,
    df: DocumentFrequencies | None = None,
) -> None:
    """Recount and redescribe trends after their membership changed (counts, sources, title, summary)."""
    if not trend_ids:
        return
    if df is None:
        settings = trend_settings_for(workspace_id=workspace_id)
        df = DocumentFrequencies.from_bytes(settings.document_frequencies, settings.document_count)
    stats = _trend_stats(trend_ids)
    trends = list(Trend.objects.filter(pk__in=trend_ids))
    members = _members_to_describe(trends, stats)
    topics = list(Topic.objects.filter(workspace_id=workspace_id).only("id", "name", "keywords"))
    topic_stems = {t.pk: set(tokenize(" ".join([t.name, *map(str, t.keywords or [])]))) for t in topics}
    topic_links = []
    for trend in trends:
        row = stats.get(trend.pk)
        if row is None:
            continue
        description = describe(members[trend.pk], df=df) if trend.pk in members else None
        _trend_refreshed(trend, row=row, description=description, centroid=(centroids or {}).get(trend.pk))
        words = set(tokenize(" ".join([trend.title, *trend.keywords])))
        topic_links += [
            Trend.topics.through(trend_id=trend.pk, topic_id=tid) for tid, stems in topic_stems.items() if stems & words
        ]
    _save_refreshed(trends)
    if topic_links:
        Trend.topics.through.objects.bulk_create(topic_links, ignore_conflicts=True)
    logger.debug("refreshed %d trends: %s", len(trends), Counter(t.language for t in trends))


def _trend_stats(trend_ids: list[int]) -> dict[int, Any]:
    """Each trend's counts (items, duplicates, sources, domains) and first and last item times."""
    return {
        row["trend_id"]: row
        for row in TrendItem.objects.filter(trend_id__in=trend_ids)
        .values("trend_id")
        .annotate(
            counted_items=Count("id", filter=Q(counted=True)),
            duplicates=Count("id", filter=Q(counted=False)),
            sources=Count("source_id_copy", distinct=True),
            domains=Count("domain", distinct=True),
            first=Min("published_at"),
            last=Max("published_at"),
        )
    }


def _members_to_describe(trends: list[Trend], stats: dict[int, Any]) -> dict[int, list[Member]]:
    """The newest members of the trends worth describing again: only trends that are new, small or grew
    by a tenth are re-described (describing is the costly part)."""
    members: dict[int, list[Member]] = defaultdict(list)
    redescribe = [
        t.pk
        for t in trends
        if t.pk in stats
        and (not t.summary or stats[t.pk]["counted_items"] < 20 or stats[t.pk]["counted_items"] >= t.item_count * 1.1)
    ]
    recent = (
        TrendItem.objects.filter(trend_id__in=redescribe, counted=True)
        .annotate(position=Window(RowNumber(), partition_by=F("trend_id"), order_by=F("published_at").desc()))
        .filter(position__lte=DESCRIBE_MEMBERS)
        .values_list("trend_id", "item__title", "item__text", "item__language")
    )
    for tid, title, text, language in recent:
        members[tid].append(Member(title=title, text=text[:1500], language=language))
    return members


def _trend_refreshed(
    trend: Trend, *, row: dict[str, Any], description: Description | None, centroid: dict[int, float] | None
) -> None:
    trend.item_count = row["counted_items"]
    trend.duplicate_count = row["duplicates"]
    trend.source_count = row["sources"]
    trend.domain_count = row["domains"]
    trend.first_seen_at = row["first"]
    trend.last_seen_at = row["last"]
    if description is not None and description.title:
        trend.title = description.title
        trend.keywords = description.keywords
        trend.summary = description.summary
        trend.language = description.language
        trend.languages = description.languages
    if centroid is not None:
        trend.centroid = {str(f): round(v, 5) for f, v in centroid.items()}


REFRESHED_FIELDS = [
    "item_count",
    "duplicate_count",
    "source_count",
    "domain_count",
    "first_seen_at",
    "last_seen_at",
    "title",
    "keywords",
    "summary",
    "language",
    "languages",
    "centroid",
    "updated_at",
]


def _save_embeddings(rows: dict[int, tuple[np.ndarray, int]]) -> None:
    """Store the touched trends' mean embeddings (one UPDATE ... FROM unnest on PostgreSQL)."""
    if not rows:
        return
    ids = list(rows)
    blobs = [embeddings.to_bytes(rows[i][0]) for i in ids]
    counts = [int(rows[i][1]) for i in ids]
    if connection.vendor != "postgresql":
        Trend.objects.bulk_update(
            [Trend(pk=i, embedding=b, embedded_count=c) for i, b, c in zip(ids, blobs, counts, strict=True)],
            ["embedding", "embedded_count"],
            batch_size=500,
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE trends_trend AS t SET embedding = u.embedding, embedded_count = u.embedded_count
              FROM unnest(%s::bigint[], %s::bytea[], %s::int[]) AS u(id, embedding, embedded_count)
             WHERE t.id = u.id
            """,
            [ids, blobs, counts],
        )


def _save_refreshed(trends: list[Trend]) -> None:
    """One UPDATE ... FROM unnest(...) on PostgreSQL (bulk_update's CASE chains cost seconds here)."""
    if not trends:
        return
    now = timezone.now()
    if connection.vendor != "postgresql":
        for trend in trends:
            trend.updated_at = now
        Trend.objects.bulk_update(trends, REFRESHED_FIELDS, batch_size=500)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE trends_trend AS t
               SET item_count = u.item_count, duplicate_count = u.duplicate_count, source_count = u.source_count,
                   domain_count = u.domain_count, first_seen_at = u.first_seen_at, last_seen_at = u.last_seen_at,
                   title = u.title, keywords = u.keywords::jsonb, summary = u.summary, language = u.language,
                   languages = u.languages::jsonb, centroid = u.centroid::jsonb, updated_at = %s
              FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[], %s::int[], %s::timestamptz[],
                          %s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
                   AS u(id, item_count, duplicate_count, source_count, domain_count, first_seen_at, last_seen_at,
                        title, keywords, summary, language, languages, centroid)
             WHERE t.id = u.id
            """,
            [
                now,
                [t.pk for t in trends],
                [t.item_count for t in trends],
                [t.duplicate_count for t in trends],
                [t.source_count for t in trends],
                [t.domain_count for t in trends],
                [t.first_seen_at for t in trends],
                [t.last_seen_at for t in trends],
                [t.title for t in trends],
                [json.dumps(t.keywords, ensure_ascii=False) for t in trends],
                [t.summary for t in trends],
                [t.language for t in trends],
                [json.dumps(t.languages) for t in trends],
                [json.dumps(t.centroid) for t in trends],
            ],
        )
