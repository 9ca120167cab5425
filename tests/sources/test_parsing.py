"""Parsing every kind of source, the shared feed corpus, entity bombs, discovery and OPML."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from apps.core.errors import InvalidInput
from apps.sources.normalize import normalize_entry
from apps.sources.opml import build_opml, parse_opml
from apps.sources.parsing import (
    ParseError,
    discover_feeds,
    hn_item_entry,
    parse_bytes,
    strip_doctype_subset,
)

FEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "feeds"
CORPUS_DIRS = [
    "miniflux/parser",
    "miniflux/encoding",
    "miniflux/xml",
    "feedparser/tests/illformed",
    "feedparser/tests/encoding",
    "feedparser/tests/entities",
    "feedparser/tests/wellformed",
]


def _corpus(folder: str) -> list[Path]:
    return sorted(p for p in (FEEDS / folder).rglob("*") if p.is_file() and p.name not in ("LICENSE", "README.md"))


@pytest.mark.skipif(not FEEDS.exists(), reason="shared feed corpus not present")
@pytest.mark.parametrize("folder", CORPUS_DIRS)
def test_every_corpus_file_parses_or_fails_readably(folder):
    """All ~2,100 files: parse + normalize either yields items or a ParseError with a message."""
    files = _corpus(folder)
    assert files
    failures = []
    for path in files:
        try:
            parsed = parse_bytes(path.read_bytes(), url="https://example.com/feed.xml")
            for entry in parsed.entries:
                item = normalize_entry(entry, feed_url="https://example.com/feed.xml", feed_language=parsed.language)
                if item is not None:
                    assert "<script" not in item.summary_html.lower() + item.content_html.lower()
        except ParseError as exc:
            assert exc.message
        except Exception as exc:
            failures.append(f"{path.relative_to(FEEDS)}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures[:20])


def test_large_rss_entries():
    parsed = parse_bytes((FEEDS / "miniflux/parser/large_rss.xml").read_bytes(), url="https://example.com/")
    assert len(parsed.entries) == 25
    items = [normalize_entry(e, feed_url="https://example.com/") for e in parsed.entries]
    assert all(i.title and i.canonical_url.startswith("http") and i.published_at.tzinfo for i in items)


def test_windows_1251_feed_is_russian():
    parsed = parse_bytes((FEEDS / "miniflux/parser/encoding_WINDOWS-1251.xml").read_bytes(), url="https://e.com/")
    items = [normalize_entry(e, feed_url="https://e.com/") for e in parsed.entries]
    assert items and any(i.language == "ru" for i in items)


def test_urdu_feed_language():
    parsed = parse_bytes((FEEDS / "miniflux/parser/urdu_UTF8.xml").read_bytes(), url="https://e.com/")
    items = [normalize_entry(e, feed_url="https://e.com/") for e in parsed.entries]
    assert items and items[0].language == "ur"


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY lol0 "lol">\n'
    + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n' for i in range(1, 10))
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    "<description>&lol9;&lol9;</description><link>http://e.com/a</link></item></channel></rss>"
).encode()

LARGE_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY big "'
    + "A" * 160_000
    + '">]>\n<rss version="2.0"><channel><title>t</title>'
    + "".join(f"<item><title>x{i}</title><description>{'&big;' * 200}</description></item>" for i in range(30))
    + "</channel></rss>"
).encode()


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, LARGE_ENTITY], ids=["billion-laughs", "large-entity"])
def test_entity_expansion_is_cheap(payload):
    def run():
        parsed = parse_bytes(payload, url="http://e.com/")
        return parsed, [normalize_entry(entry, feed_url="http://e.com/") for entry in parsed.entries]

    started = time.process_time()  # CPU time: the shared test machine's load must not decide this
    parsed, items = run()
    elapsed = time.process_time() - started
    tracemalloc.start()
    run()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1.0
    assert peak < 100 * 1024 * 1024
    assert parsed.entries and items
    assert all(len(e.summary_html) < 200_000 for e in parsed.entries)


def test_doctype_subset_is_stripped_but_doctype_kept():
    out = strip_doctype_subset(b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss/>')
    assert out == b'<?xml version="1.0"?><!DOCTYPE rss><rss/>'


def test_json_feed():
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON blog",
        "items": [
            {
                "id": "1",
                "url": "https://blog.example.com/one?utm_source=x",
                "title": "One",
                "content_html": '<p onclick="x()">Hi <script>alert(1)</script></p>',
                "date_published": "2024-05-01T10:00:00+02:00",
                "authors": [{"name": "Ann"}],
            },
            {"id": "2", "content_text": "Just text\n\nsecond paragraph"},
        ],
    }
    parsed = parse_bytes(json.dumps(doc).encode(), url="https://blog.example.com/feed.json")
    assert parsed.kind == "json_feed" and parsed.title == "JSON blog"
    first = normalize_entry(parsed.entries[0], feed_url="https://blog.example.com/feed.json")
    assert first.canonical_url == "https://blog.example.com/one"
    assert first.author == "Ann" and first.published_at.hour == 8
    assert "script" not in first.content_html and "onclick" not in first.content_html
    second = normalize_entry(parsed.entries[1], feed_url="https://blog.example.com/feed.json")
    assert second.text.startswith("Just text")


def test_reddit_listing():
    doc = {
        "kind": "Listing",
        "data": {
            "children": [
                {"kind": "t3", "data": {"name": "t3_a", "title": "Pinned", "stickied": True}},
                {
                    "kind": "t3",
                    "data": {
                        "name": "t3_b",
                        "title": "Great news",
                        "url": "https://news.example.com/story",
                        "permalink": "/r/python/comments/b/great_news/",
                        "author": "bob",
                        "created_utc": 1700000000,
                        "score": 42,
                        "num_comments": 7,
                        "subreddit": "python",
                        "thumbnail": "self",
                    },
                },
            ]
        },
    }
    parsed = parse_bytes(json.dumps(doc).encode(), kind="reddit")
    assert [e.guid for e in parsed.entries] == ["reddit:t3_b"]
    assert parsed.entries[0].score == 42 and parsed.entries[0].comments == 7 and parsed.entries[0].image_url == ""


def test_hn_items():
    entry = hn_item_entry({"id": 5, "type": "story", "title": "Show HN", "by": "pg", "time": 1700000000, "score": 3})
    assert entry.url == "https://news.ycombinator.com/item?id=5" and entry.guid == "hn:5"
    assert hn_item_entry({"id": 6, "type": "comment"}) is None
    assert hn_item_entry({"id": 7, "type": "story", "deleted": True}) is None


def test_web_pages_and_garbage_are_parse_errors():
    with pytest.raises(ParseError):
        parse_bytes(b"<!doctype html><html><head></head><body>hi</body></html>", content_type="text/html")
    with pytest.raises(ParseError):
        parse_bytes(b"")
    with pytest.raises(ParseError):
        parse_bytes(b"{not json", content_type="application/json")


def test_discovery_from_link_alternate():
    page = b"""<!doctype html><html><head><base href="https://blog.example.com/sub/">
    <link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
    <link rel="alternate" type="application/atom+xml" href="https://blog.example.com/atom">
    <link rel="alternate" type="application/feed+json" href="/feed.json">
    <link rel="alternate" hreflang="de" href="/de/">
    <link rel="stylesheet" type="text/css" href="s.css">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    </head><body></body></html>"""
    found = discover_feeds(page, base_url="https://blog.example.com/")
    assert [f["url"] for f in found] == [
        "https://blog.example.com/sub/feed.xml",
        "https://blog.example.com/atom",
        "https://blog.example.com/feed.json",
    ]
    assert found[2]["kind"] == "json_feed" and found[0]["title"] == "RSS"


def test_opml_roundtrip():
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="Tech"><outline text="A" title="Feed A" type="rss" xmlUrl="https://a.example.com/rss"/></outline>
      <outline text="B" xmlUrl="https://b.example.com/atom" htmlUrl="https://b.example.com/"/>
      <outline text="folder only"/></body></opml>"""
    outlines = parse_opml(opml)
    assert outlines == [
        {"url": "https://a.example.com/rss", "title": "Feed A"},
        {"url": "https://b.example.com/atom", "title": "B"},
    ]

    class S:
        def __init__(self, url, name, site_url=""):
            self.url, self.name, self.site_url = url, name, site_url

    exported = build_opml(
        title="Newsroom", sources=[S("https://a.example.com/rss", "A & co", "https://a.example.com/")]
    )
    assert parse_opml(exported) == [{"url": "https://a.example.com/rss", "title": "A & co"}]


def test_opml_garbage_is_invalid_input():
    with pytest.raises(InvalidInput):
        parse_opml(b"<opml><body><outline")


def test_parse_time_limit_interrupts_runaway_work():
    from apps.sources.parsing import ParseTimeout, time_limit

    started = time.monotonic()
    with pytest.raises(ParseTimeout), time_limit(0.2):
        while True:
            pass
    assert time.monotonic() - started < 2


def test_beat_schedule_names_a_registered_task():
    from apps.sources.schedule import BEAT_SCHEDULE
    from apps.sources.tasks import source_fetch_task, sources_tick

    assert BEAT_SCHEDULE["sources-tick"]["task"] == sources_tick.name == "sources.tick"
    assert source_fetch_task.name == "sources.fetch"
