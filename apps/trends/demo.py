"""Demo trends (idempotent, no network): topics, the demo items clustered into trends, and a day of
score history computed from those items so the sparklines and timelines have something to show."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone
from django.utils.text import slugify

from apps.sources.models import Item, Source, SourceKind, SourceStatus
from apps.sources.services import sources_recount

from .demo_data import SOURCES, load_stories
from .models import Topic, Trend, TrendSnapshot, TrendStatus
from .services import items_assign_to_trends, trends_rank
from .services.assignment import trends_refresh

TOPICS = [
    ("AI", ["AI", "artificial intelligence", "machine learning", "LLM", "model", "OpenAI", "нейросеть", "ИИ"]),
    ("Open source", ["open source", "GitHub", "Linux", "licence", "license"]),
    ("Developer tools", ["developer", "programming", "Python", "Rust", "JavaScript", "compiler", "API"]),
    ("Space", ["space", "rocket", "NASA", "satellite", "orbit", "космос", "ракета", "спутник"]),
    ("Science", ["science", "research", "scientists", "study", "наука", "учёные"]),
    ("Climate", ["climate", "emissions", "weather", "flood", "heatwave", "климат"]),
    ("Politics", ["election", "government", "minister", "parliament", "president", "выборы"]),
    ("Business", ["company", "shares", "revenue", "profit", "acquisition", "market", "компания"]),
]


def seed_story_items(*, workspace) -> None:
    """The synthetic (fictional) evaluation stories as demo items (seven fictional outlets), shifted so the newest
    arrived half an hour ago: enough multi-source stories for a lively dashboard."""

    rows = load_stories()
    newest = max(dt.datetime.fromisoformat(r["published_at"]) for r in rows)
    shift = timezone.now() - dt.timedelta(minutes=30) - newest
    sources = {}
    for spec in SOURCES:
        sources[spec["id"]], _ = Source.objects.update_or_create(
            workspace=workspace,
            url=f"https://{spec['domain']}/feed.xml",
            listing="",
            defaults={
                "name": f"{spec['name']} (demo)",
                "kind": SourceKind.FEED,
                "status": SourceStatus.PAUSED,
                "site_url": f"https://{spec['domain']}/",
            },
        )
    existing = set(Item.objects.filter(workspace=workspace, guid__startswith="story-").values_list("guid", flat=True))
    fresh = []
    for row in rows:
        guid = f"story-{row['id']}"
        if guid in existing:
            continue
        source = sources[row["source"]]
        url = f"https://{source.url.split('/')[2]}/story/{row['id']}"
        fresh.append(
            Item(
                workspace=workspace,
                source=source,
                guid=guid,
                url=url,
                canonical_url=url,
                title=row["title"],
                text=row["summary"],
                summary_html=f"<p>{row['summary']}</p>",
                published_at=dt.datetime.fromisoformat(row["published_at"]) + shift,
                language=row["language"],
                content_hash=hashlib.sha256(f"{row['title']}{row['summary']}".encode()).hexdigest(),
            )
        )
    Item.objects.bulk_create(fresh, ignore_conflicts=True)
    sources_recount(source_ids=[s.pk for s in sources.values()])
    by_guid = dict(Item.objects.filter(workspace=workspace, guid__startswith="story-").values_list("guid", "pk"))
    for row in rows:
        if row.get("duplicate_of"):
            Item.objects.filter(pk=by_guid.get(f"story-{row['id']}", 0), duplicate_of__isnull=True).update(
                duplicate_of_id=by_guid.get(f"story-{row['duplicate_of']}")
            )


def seed(*, workspace, users) -> None:
    seed_story_items(workspace=workspace)
    for name, keywords in TOPICS:
        Topic.objects.update_or_create(
            workspace=workspace, slug=slugify(name), defaults={"name": name, "keywords": keywords}
        )
    pending = list(
        Item.objects.filter(workspace=workspace, trend_item__isnull=True)
        .order_by("published_at")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(pending), 1000):
        items_assign_to_trends(workspace_id=workspace.pk, item_ids=pending[start : start + 1000])
    trends_refresh(
        workspace_id=workspace.pk,
        trend_ids=list(workspace_trend_ids(workspace)),
    )
    now = timezone.now()
    if not TrendSnapshot.objects.filter(trend__workspace=workspace).exists():
        # Replay the ranking over the last three days, every three hours, from the items' own timestamps.
        for hours_ago in range(72, 0, -3):
            trends_rank(workspace_id=workspace.pk, now=now - dt.timedelta(hours=hours_ago), broadcast=False)
    trends_rank(workspace_id=workspace.pk, now=now, broadcast=False)


def workspace_trend_ids(workspace):
    return Trend.objects.filter(workspace=workspace, status=TrendStatus.ACTIVE).values_list("pk", flat=True)
