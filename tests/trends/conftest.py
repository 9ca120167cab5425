"""Helpers for the trends tests: sources and items written straight to the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest
from django.utils import timezone

from apps.sources.models import Item, Source

_seq = itertools.count(1)


@pytest.fixture
def make_source():
    def make(workspace, name="Wire", url=None):
        n = next(_seq)
        return Source.objects.create(
            workspace=workspace, name=name, url=url or f"https://{name.lower()}{n}.example/feed.xml"
        )

    return make


@pytest.fixture
def make_item():
    def make(source, title, text="", minutes_ago=10, duplicate_of=None, language="en", now=None):
        n = next(_seq)
        published = (now or timezone.now()) - dt.timedelta(minutes=minutes_ago)
        host = source.url.split("/")[2]
        return Item.objects.create(
            workspace=source.workspace,
            source=source,
            guid=f"g{n}",
            url=f"https://{host}/a/{n}",
            canonical_url=f"https://{host}/a/{n}",
            title=title,
            text=text,
            published_at=published,
            language=language,
            content_hash=hashlib.sha256(f"{title}{n}".encode()).hexdigest(),
            duplicate_of=duplicate_of,
        )

    return make


HELIO = [
    (
        "Helio beats forecasts as quarterly revenue hits record",
        "Helio reported record third-quarter revenue of $18.2 billion, beating forecasts, as data-center sales jumped.",
    ),
    (
        "Helio quarterly revenue jumps to record $18.2 billion, beating forecasts",
        "Data-center sales drove Helio's record third-quarter revenue; the chipmaker raised its guidance.",
    ),
    (
        "Chipmaker Helio posts record quarterly revenue, raises guidance",
        "Third-quarter revenue of $18.2 billion beat forecasts and Helio data-center sales hit a record.",
    ),
]
HELIO_EXPORT = [
    (
        "New export rules bar Helio from selling AI chips to China",
        "The Commerce Department expanded export controls on Helio AI chips sold to China.",
    ),
    (
        "Helio warns export rules on China chip sales will cost $2 billion",
        "Export controls on AI chips sold to China could cut Helio sales by $2 billion.",
    ),
]
FLOOD = [
    (
        "Record rainfall floods Port Alder, thousands evacuated",
        "The Alder River burst its banks, flooding Port Alder and forcing 7,500 residents to evacuate.",
    ),
    (
        "Port Alder floods: river bursts its banks, residents evacuated",
        "Floods in Port Alder forced the evacuation of 7,500 residents after record rainfall.",
    ),
]


@pytest.fixture
def story_items(workspace, make_source, make_item):
    """Three stories over three sources: Helio earnings (3), Helio export curbs (2), Port Alder floods (2)."""
    sources = [make_source(workspace, name) for name in ("Wire", "Ledger", "Pulse")]
    items = {"earnings": [], "export": [], "flood": []}
    for n, (title, text) in enumerate(HELIO):
        items["earnings"].append(make_item(sources[n % 3], title, text, minutes_ago=90 - n * 20))
    for n, (title, text) in enumerate(HELIO_EXPORT):
        items["export"].append(make_item(sources[n % 3], title, text, minutes_ago=50 - n * 10))
    for n, (title, text) in enumerate(FLOOD):
        items["flood"].append(make_item(sources[(n + 1) % 3], title, text, minutes_ago=30 - n * 10))
    return sources, items
