"""Demo sources (idempotent, no network): a few well-known public sources, paused so nothing is
fetched at seed time, and two bundled feeds ingested from local files so the workspace has items."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from django.utils import timezone

from .models import Source, SourceKind, SourceStatus
from .services import source_ingest_bytes

DATA = Path(__file__).resolve().parent / "demo_data"

PUBLIC_SOURCES = [
    ("Hacker News (top)", SourceKind.HACKER_NEWS, "https://hacker-news.firebaseio.com/v0/topstories.json", "top"),
    ("BBC News — World", SourceKind.FEED, "https://feeds.bbci.co.uk/news/world/rss.xml", ""),
    ("The Verge", SourceKind.FEED, "https://www.theverge.com/rss/index.xml", ""),
    ("Meduza", SourceKind.FEED, "https://meduza.io/rss/all", ""),
    (
        "r/technology (hot)",
        SourceKind.REDDIT,
        "https://www.reddit.com/r/technology/hot.json?raw_json=1&limit=50",
        "hot",
    ),
]

BUNDLED = [("Newsroom Wire (demo)", "wire.xml"), ("World Digest (demo)", "digest.xml")]

_PUBDATE = re.compile(rb"<pubDate>([^<]+)</pubDate>")


def shifted_feed(body: bytes, *, newest: datetime) -> bytes:
    """The feed with its dates moved so the newest entry is at `newest` (gaps between entries kept)."""
    dates = [parsedate_to_datetime(m.decode()) for m in _PUBDATE.findall(body)]
    if not dates:
        return body
    offset = newest - max(dates)
    return _PUBDATE.sub(
        lambda m: (
            b"<pubDate>"
            + format_datetime(
                (parsedate_to_datetime(m.group(1).decode()) + offset).astimezone(UTC), usegmt=True
            ).encode()
            + b"</pubDate>"
        ),
        body,
    )


def seed(*, workspace, users) -> None:
    creator = users.get("editor") or users.get("admin")
    for name, kind, url, listing in PUBLIC_SOURCES:
        Source.objects.update_or_create(
            workspace=workspace,
            url=url,
            listing=listing,
            defaults={"name": name, "kind": kind, "status": SourceStatus.PAUSED, "created_by": creator},
        )
    newest = timezone.now() - timedelta(hours=1)
    for index, (name, filename) in enumerate(BUNDLED):
        path = DATA / filename
        source, _created = Source.objects.update_or_create(
            workspace=workspace,
            url=path.as_uri(),
            listing="",
            defaults={"name": name, "kind": SourceKind.FEED, "status": SourceStatus.PAUSED, "created_by": creator},
        )
        source_ingest_bytes(
            source=source, body=shifted_feed(path.read_bytes(), newest=newest - timedelta(minutes=index))
        )
