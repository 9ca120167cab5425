"""Who is not a reader: crawlers, link-preview fetchers and HTTP libraries, told apart by their
User-Agent (nothing about the request is stored; the header is only read)."""

from __future__ import annotations

import re

# Lower-case fragments of the User-Agent of known robots. Link previews (the platforms fetch every link
# posted there), search engines, monitors and scripts.
BOT_TOKENS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "facebookexternalhit",
    "facebookcatalog",
    "embedly",
    "quora link",
    "whatsapp",
    "skypeuripreview",
    "vkshare",
    "mastodon/",
    "pleroma",
    "akkoma",
    "misskey",
    "bluesky",
    "cardyb",
    "headlesschrome",
    "phantomjs",
    "lighthouse",
    "pingdom",
    "uptime",
    "monitor",
    "curl/",
    "wget/",
    "python-requests",
    "python-httpx",
    "python-urllib",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "java/",
    "libwww",
    "httpclient",
    "feedfetcher",
    "feedparser",
    "scrapy",
    "node-fetch",
    "axios/",
)
BOT_RE = re.compile("|".join(re.escape(t) for t in BOT_TOKENS))


def is_bot(user_agent: str | None) -> bool:
    """True for a robot or a request without any User-Agent."""
    ua = (user_agent or "").strip().lower()
    return not ua or bool(BOT_RE.search(ua))


def request_is_bot(request) -> bool:
    # HEAD and prefetches are what unfurlers and browsers' speculative loads send, not a person's click.
    if request.method not in ("GET", "POST"):
        return True
    purpose = (request.headers.get("Sec-Purpose") or request.headers.get("Purpose") or "").lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return True
    return is_bot(request.headers.get("User-Agent"))
