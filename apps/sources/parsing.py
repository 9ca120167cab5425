"""Parsing fetched bytes into RawEntry lists: RSS/Atom/RDF (feedparser), JSON Feed, Hacker News,
Reddit; discovering feeds in an HTML page. Entity declarations never reach feedparser."""

from __future__ import annotations

import contextlib
import html
import json
import re
import signal
import threading
import time
from calendar import timegm
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urljoin

import feedparser
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .normalize import RawEntry

PARSE_TIME_LIMIT = 10.0
MAX_ENTRIES = 500


class ParseError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedFeed:
    kind: str
    title: str = ""
    link: str = ""
    description: str = ""
    language: str = ""
    ttl_seconds: int | None = None
    entries: list[RawEntry] = field(default_factory=list)
    bozo_message: str = ""


# --- DOCTYPE internal subset ------------------------------------------------------------------

_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE(\s+[^\[>]*)\[.*?\]\s*>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECL = re.compile(rb"<!ENTITY[^>]*>", re.IGNORECASE)


def strip_doctype_subset(data: bytes) -> bytes:
    """Remove the DOCTYPE's internal subset (and any stray <!ENTITY> declaration) so entity expansion
    (billion laughs, a large entity repeated) cannot happen in feedparser or expat."""
    head = data[:65536]
    if b"<!" not in head and b"<\x00!" not in head:
        return data
    # UTF-16/32 documents: feedparser converts them; strip after a cheap decode round-trip.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00<\x00!" in head or b"<\x00!\x00" in head:
        for encoding in ("utf-16", "utf-32"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            stripped = strip_doctype_subset(text.encode("utf-8"))
            if stripped != text.encode("utf-8"):
                return re.sub(rb"encoding=[\"'][^\"']*[\"']", b'encoding="utf-8"', stripped, count=1)
            return data
    data = _DOCTYPE_SUBSET.sub(lambda m: b"<!DOCTYPE" + m.group(1).rstrip() + b">", data, count=1)
    if b"<!ENTITY" in data or b"<!entity" in data:
        data = _ENTITY_DECL.sub(b"", data)
    return data


# --- time limit -------------------------------------------------------------------------------


class ParseTimeout(ParseError):
    pass


@contextlib.contextmanager
def time_limit(seconds: float):
    """SIGALRM-based limit where we can (the worker's main thread); elsewhere the size cap and the
    stripped DOCTYPE bound the work."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def _raise(signum, frame):
        raise ParseTimeout(_("Parsing took longer than %(s)s s.") % {"s": seconds})

    previous = signal.signal(signal.SIGALRM, _raise)
    old_delay, _old_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if old_delay:
            signal.setitimer(signal.ITIMER_REAL, old_delay)


# --- sniffing ---------------------------------------------------------------------------------


def sniff_kind(data: bytes, content_type: str = "") -> str:
    """'json', 'html' or 'xml' from the content type and the first bytes."""
    ctype = content_type.split(";")[0].strip().lower()
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if ctype.endswith("json") or head.startswith((b"{", b"[")):
        return "json"
    if head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf")):
        return "xml"
    if ctype == "text/html" or head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "html"
    return "xml"


# --- feedparser -------------------------------------------------------------------------------


def _struct_to_dt(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _entry_image(entry) -> str:
    for key in ("media_thumbnail", "media_content"):
        for media in entry.get(key) or []:
            url = media.get("url") if isinstance(media, dict) else None
            if url and (key == "media_thumbnail" or str(media.get("medium", "image")) == "image"):
                return url
    for link in entry.get("links") or []:
        if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/") and link.get("href"):
            return link["href"]
    image = entry.get("image")
    if isinstance(image, dict) and image.get("href"):
        return image["href"]
    return ""


def parse_xml_feed(
    data: bytes, *, url: str = "", content_type: str = "", time_limit_s: float = PARSE_TIME_LIMIT
) -> ParsedFeed:
    data = strip_doctype_subset(data)
    with time_limit(time_limit_s):
        # Our own sanitizer (nh3) runs on every stored field; feedparser's is slow and redundant.
        parsed = feedparser.parse(
            data,
            sanitize_html=False,
            resolve_relative_uris=False,
            response_headers={"content-type": content_type or "application/xml"},
        )
    feed = parsed.get("feed", {}) or {}
    if not parsed.entries and not parsed.get("version") and parsed.get("bozo"):
        raise ParseError(
            _("Not a feed: %(error)s") % {"error": str(parsed.get("bozo_exception") or _("unrecognized content"))[:300]}
        )
    ttl = None
    raw_ttl = str(feed.get("ttl") or "").strip()
    if raw_ttl.isdigit():
        ttl = int(raw_ttl) * 60
    result = ParsedFeed(
        kind="feed",
        title=str(feed.get("title") or "")[:255],
        link=str(feed.get("link") or ""),
        description=str(feed.get("subtitle") or "")[:2000],
        language=str(feed.get("language") or ""),
        ttl_seconds=ttl,
        bozo_message=str(parsed.get("bozo_exception") or "")[:300] if parsed.get("bozo") else "",
    )
    for entry in parsed.entries[:MAX_ENTRIES]:
        content_html = ""
        contents = entry.get("content") or []
        if contents:
            content_html = max((c.get("value") or "" for c in contents), key=len)
        summary = entry.get("summary") or ""
        author = entry.get("author") or ""
        if not author and entry.get("authors"):
            author = entry["authors"][0].get("name", "") if isinstance(entry["authors"][0], dict) else ""
        result.entries.append(
            RawEntry(
                guid=str(entry.get("id") or entry.get("guid") or ""),
                url=str(entry.get("link") or ""),
                title=str(entry.get("title") or ""),
                author=str(author),
                published=_struct_to_dt(
                    entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
                ),
                summary_html=str(summary),
                content_html=str(content_html),
                image_url=_entry_image(entry),
                language=str(entry.get("language") or ""),
                base_url=urljoin(url, str(entry.get("link") or "")) if url else str(entry.get("link") or ""),
            )
        )
    return result


# --- JSON: JSON Feed, Hacker News, Reddit ------------------------------------------------------


def _iso(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return parse_datetime(value.strip())
    except ValueError:
        return None


def load_json(data: bytes):
    try:
        return json.loads(data.decode("utf-8-sig", errors="replace"))
    except ValueError as exc:
        raise ParseError(_("Invalid JSON: %(error)s") % {"error": str(exc)[:200]}) from exc


def parse_json_feed(doc: dict, *, url: str = "") -> ParsedFeed:
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise ParseError(_("This JSON is not a JSON Feed (https://jsonfeed.org)."))
    result = ParsedFeed(
        kind="json_feed",
        title=str(doc.get("title") or "")[:255],
        link=str(doc.get("home_page_url") or ""),
        description=str(doc.get("description") or "")[:2000],
        language=str(doc.get("language") or ""),
    )
    for item in (doc.get("items") or [])[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        author = next((a.get("name", "") for a in authors if isinstance(a, dict)), "")
        result.entries.append(
            RawEntry(
                guid=str(item.get("id") or ""),
                url=str(item.get("url") or item.get("external_url") or ""),
                title=str(item.get("title") or ""),
                author=str(author),
                published=_iso(item.get("date_published")) or _iso(item.get("date_modified")),
                summary_html=str(item.get("summary") or ""),
                content_html=str(item.get("content_html") or "") or _text_to_html(str(item.get("content_text") or "")),
                image_url=str(item.get("image") or item.get("banner_image") or ""),
                language=str(item.get("language") or ""),
                base_url=str(item.get("url") or url),
            )
        )
    return result


def _text_to_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())


def hn_item_entry(item: dict) -> RawEntry | None:
    if (
        not isinstance(item, dict)
        or item.get("deleted")
        or item.get("dead")
        or item.get("type") not in ("story", "job", "poll")
    ):
        return None
    discussion = f"https://news.ycombinator.com/item?id={item.get('id')}"
    created = item.get("time")
    return RawEntry(
        guid=f"hn:{item.get('id')}",
        url=str(item.get("url") or discussion),
        title=str(item.get("title") or ""),
        author=str(item.get("by") or ""),
        published=datetime.fromtimestamp(int(created), tz=UTC) if isinstance(created, int | float) else None,
        summary_html=str(item.get("text") or ""),
        score=int(item["score"]) if isinstance(item.get("score"), int) else None,
        comments=int(item["descendants"]) if isinstance(item.get("descendants"), int) else None,
        base_url=discussion,
        signals={"points": item.get("score"), "comments": item.get("descendants")},
    )


def parse_reddit(doc, *, url: str = "") -> ParsedFeed:
    if not isinstance(doc, dict) or doc.get("kind") != "Listing":
        raise ParseError(_("This JSON is not a Reddit listing."))
    result = ParsedFeed(kind="reddit")
    for child in (doc.get("data") or {}).get("children") or []:
        data = child.get("data") if isinstance(child, dict) else None
        if not isinstance(data, dict) or data.get("stickied"):
            continue
        permalink = "https://www.reddit.com" + str(data.get("permalink") or "")
        thumb = str(data.get("thumbnail") or "")
        created = data.get("created_utc")
        result.title = result.title or f"r/{data.get('subreddit', '')}"
        result.entries.append(
            RawEntry(
                guid=f"reddit:{data.get('name') or data.get('id')}",
                url=str(data.get("url_overridden_by_dest") or data.get("url") or permalink),
                title=str(data.get("title") or ""),
                author=str(data.get("author") or ""),
                published=datetime.fromtimestamp(float(created), tz=UTC) if isinstance(created, int | float) else None,
                summary_html=str(data.get("selftext_html") or ""),
                image_url=thumb if thumb.startswith("http") else "",
                score=int(data["score"]) if isinstance(data.get("score"), int) else None,
                comments=int(data["num_comments"]) if isinstance(data.get("num_comments"), int) else None,
                base_url=permalink,
                signals={"score": data.get("score"), "comments": data.get("num_comments")},
            )
        )
    return result


def parse_bytes(data: bytes, *, url: str = "", content_type: str = "", kind: str = "") -> ParsedFeed:
    """Parse a feed body of any supported kind (not Hacker News, which needs one request per item)."""
    if not data or not data.strip():
        raise ParseError(_("The response body is empty."))
    sniffed = sniff_kind(data, content_type)
    if kind == "reddit":
        return parse_reddit(load_json(data), url=url)
    if sniffed == "json" or kind == "json_feed":
        doc = load_json(data)
        if isinstance(doc, dict) and doc.get("kind") == "Listing":
            return parse_reddit(doc, url=url)
        return parse_json_feed(doc, url=url)
    if sniffed == "html" and not re.search(rb"<(rss|feed|rdf:RDF)[\s>]", data[:4096]):
        raise ParseError(_("This is a web page, not a feed."))
    if content_type.split(";")[0].strip().lower() in ("text/html", "text/plain", "application/octet-stream"):
        content_type = ""  # wrong labels are common; let feedparser trust the bytes
    return parse_xml_feed(data, url=url, content_type=content_type)


# --- discovery --------------------------------------------------------------------------------

FEED_TYPES = {
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": "feed",
    "text/xml": "feed",
    "application/feed+json": "json_feed",
    "application/json": "json_feed",
}


class _LinkFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.base: str = ""

    def handle_starttag(self, tag, attrs):
        attr = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and attr.get("href") and not self.base:
            self.base = attr["href"]
        if tag != "link":
            return
        rels = attr.get("rel", "").lower().split()
        ctype = attr.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and ctype in FEED_TYPES and attr.get("href"):
            self.links.append((attr["href"], ctype, attr.get("title", "")))


def discover_feeds(html_bytes: bytes, *, base_url: str) -> list[dict]:
    """Feeds a web page announces with <link rel="alternate">, as [{url, kind, title}]."""
    text = html_bytes[: 1024 * 1024].decode("utf-8", errors="replace")
    head_end = text.lower().find("</head>")
    finder = _LinkFinder()
    deadline = time.monotonic() + 2.0
    finder.feed(text[: head_end + 7] if head_end > 0 else text)
    if time.monotonic() > deadline:
        return []
    base = urljoin(base_url, finder.base) if finder.base else base_url
    seen: set[str] = set()
    found = []
    for href, ctype, title in finder.links:
        absolute = urljoin(base, href.strip())
        if absolute in seen or not absolute.startswith(("http://", "https://")):
            continue
        seen.add(absolute)
        found.append({"url": absolute, "kind": FEED_TYPES[ctype], "title": title[:255]})
    return found
