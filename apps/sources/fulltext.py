"""Full text: an article page fetched through the guarded client, only where robots.txt lets us and
no faster than one request per host and interval, its main text extracted with trafilatura and
sanitized. No database writes here (services store what this returns)."""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import trafilatura
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from trafilatura.htmlprocessing import build_html_output
from trafilatura.settings import Document

from apps.core.http import FetchError

from .fetching import fetch_url
from .models import FulltextStatus
from .normalize import html_to_text, sanitize_html

ROBOTS_AGENT = "Trendoscope"
ROBOTS_MAX_BYTES = 512 * 1024
ARTICLE_MAX_BYTES = 4 * 1024 * 1024
ARTICLE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
MAX_CRAWL_DELAY = 60.0
# robots.txt answers: the file's text, or one of these markers (RFC 9309: a 4xx means no rules,
# a 5xx or an unreachable server means "assume everything is disallowed" for now).
_ALLOW_ALL = "\x00allow"
_DENY_ALL = "\x00deny"


@dataclass
class Article:
    status: str
    html: str = ""
    text: str = ""
    title: str = ""
    author: str = ""
    published: datetime | None = None
    image_url: str = ""
    error: str = ""
    fetch_ms: int = 0
    extract_ms: int = 0


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _robots_text(origin: str) -> str:
    key = f"sources:robots:{origin}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        result = fetch_url(
            origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, total_timeout=8.0, accept="text/plain, */*;q=0.1"
        )
        text = result.body.decode("utf-8", errors="replace") or _ALLOW_ALL
        ttl = settings.SOURCES_ROBOTS_CACHE_SECONDS
    except FetchError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            text, ttl = _ALLOW_ALL, settings.SOURCES_ROBOTS_CACHE_SECONDS
        else:
            text, ttl = _DENY_ALL, 300  # try again in a few minutes
    cache.set(key, text, ttl)
    return text


def robots_check(url: str) -> tuple[bool, float | None]:
    """(may we fetch url, the Crawl-delay robots.txt asks of us if any)."""
    text = _robots_text(_origin(url))
    if text == _ALLOW_ALL:
        return True, None
    if text == _DENY_ALL:
        return False, None
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    delay = parser.crawl_delay(ROBOTS_AGENT)
    return parser.can_fetch(ROBOTS_AGENT, url), float(delay) if delay is not None else None


def host_slot(host: str, *, interval: float, max_wait: float) -> bool:
    """Wait (at most max_wait seconds) for this host's next request slot: requests to one host are at
    least `interval` seconds apart across every worker (the next allowed time lives in the cache,
    read and moved under a short cache.add lock)."""
    key, lock = f"sources:host-next:{host}", f"sources:host-lock:{host}"
    deadline = time.monotonic() + max(0.0, max_wait)
    while True:
        wait = 0.02
        if cache.add(lock, 1, timeout=5):
            try:
                now = time.time()
                allowed_at = cache.get(key) or 0.0
                if now >= allowed_at:
                    cache.set(key, now + interval, timeout=int(interval) + 5)
                    return True
                wait = allowed_at - now
            finally:
                cache.delete(lock)
        if time.monotonic() + wait > deadline:
            return False
        time.sleep(min(wait, 1.0))


MIN_WORDS = 8


def extract_article(body: bytes, *, url: str) -> Article:
    """Main text of an article page (trafilatura, precision first, no comments), sanitized."""
    started = time.monotonic()
    try:
        document = trafilatura.bare_extraction(
            body, url=url, with_metadata=True, include_comments=False, favor_precision=True, include_images=False
        )
    except Exception as exc:  # the extractor must not take the fetch down with it
        return Article(status=FulltextStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:500])
    elapsed = int((time.monotonic() - started) * 1000)
    if not isinstance(document, Document) or len((document.text or "").split()) < MIN_WORDS:
        return Article(status=FulltextStatus.EMPTY, extract_ms=elapsed)
    clean = sanitize_html(build_html_output(document, False), base_url=url)
    clean = clean.replace("<html>", "").replace("</html>", "").replace("<body>", "").replace("</body>", "").strip()
    published = None
    if document.date:
        try:
            published = datetime.fromisoformat(document.date).replace(tzinfo=UTC)
        except ValueError:
            published = None
    return Article(
        status=FulltextStatus.DONE,
        html=clean,
        text=html_to_text(clean),
        title=(document.title or "")[:1000],
        author=(document.author or "")[:255],
        published=published,
        image_url=document.image or "",
        extract_ms=elapsed,
    )


def fetch_article(url: str, *, max_wait: float | None = None) -> Article:
    """robots.txt, the host's rate, the guarded fetch, then extraction. Never raises for a bad page."""
    allowed, delay = robots_check(url)
    if not allowed:
        return Article(status=FulltextStatus.ROBOTS, error=_("robots.txt does not allow fetching this page."))
    interval = max(settings.SOURCES_FULLTEXT_HOST_INTERVAL, min(delay or 0.0, MAX_CRAWL_DELAY))
    host = (urlsplit(url).hostname or "").lower()
    if not host_slot(host, interval=interval, max_wait=interval + 1 if max_wait is None else max_wait):
        return Article(status=FulltextStatus.PENDING, error=_("Waiting for this host's next request slot."))
    started = time.monotonic()
    try:
        result = fetch_url(url, max_bytes=ARTICLE_MAX_BYTES, total_timeout=15.0, accept=ARTICLE_ACCEPT)
    except FetchError as exc:
        return Article(status=FulltextStatus.FAILED, error=exc.message[:500])
    fetch_ms = int((time.monotonic() - started) * 1000)
    ctype = result.content_type.split(";")[0].strip().lower()
    if ctype and ctype not in ("text/html", "application/xhtml+xml", "text/plain"):
        return Article(
            status=FulltextStatus.FAILED,
            error=_("Not a web page (%(type)s).") % {"type": ctype[:80]},
            fetch_ms=fetch_ms,
        )
    article = extract_article(result.body, url=result.final_url)
    article.fetch_ms = fetch_ms
    return article
