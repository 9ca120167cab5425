"""Database seeding shared by the trends benchmarks (their own database: trendoscope_bench_trends)."""

from __future__ import annotations

import datetime as dt
import hashlib

DATABASE = "trendoscope_bench_trends"


def reset_workspace():
    from django.db import connection

    from apps.accounts.models import Workspace

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE trends_trenditem, trends_trendsnapshot, trends_trend_topics, trends_trend, trends_topic, "
            "trends_trendsettings, sources_item, sources_source CASCADE"
        )
    workspace, _ = Workspace.objects.get_or_create(slug="bench-trends", defaults={"name": "Bench trends"})
    return workspace


def make_sources(workspace, n: int):
    from apps.sources.models import Source

    return Source.objects.bulk_create(
        [Source(workspace=workspace, name=f"Source {i}", url=f"https://source{i}.example/feed.xml") for i in range(n)]
    )


def make_items(workspace, sources, rows, *, batch: int = 2000):
    """rows: (title, text, published_at datetime, source index). Returns the created items in order."""
    from apps.sources.models import Item

    created = []
    objs = []
    for n, (title, text, published, src) in enumerate(rows):
        source = sources[src % len(sources)]
        url = f"https://source{src % len(sources)}.example/a/{n}"
        objs.append(
            Item(
                workspace=workspace,
                source=source,
                guid=str(n),
                url=url,
                canonical_url=url,
                title=title,
                text=text,
                published_at=published,
                language="en",
                content_hash=hashlib.sha1(url.encode()).hexdigest(),
            )
        )
        if len(objs) >= batch:
            created += Item.objects.bulk_create(objs)
            objs = []
    if objs:
        created += Item.objects.bulk_create(objs)
    return created


def to_datetime(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def backend_cpu_seconds() -> float | None:
    """CPU seconds (user + system) used so far by this connection's PostgreSQL backend process, read from
    /proc (the server runs on this machine); None when it cannot be read."""
    import os

    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
