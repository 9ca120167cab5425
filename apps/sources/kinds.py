"""The newer source kinds: what a person types becomes a SourceSpec (validated, no network), and a
source of the kind is fetched and parsed (through the guarded client) into a ParsedFeed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput
from apps.core.http import FetchError, validate_url_syntax

from .fetching import FetchResult, fetch_url
from .fulltext import fetch_article
from .models import FulltextStatus, Item, Source, SourceKind
from .normalize import RawEntry, canonical_url
from .parsing import ParsedFeed, ParseError, load_json
from .protocols import (
    api_error,
    page_article_links,
    parse_bluesky,
    parse_google_trends,
    parse_lobsters,
    parse_mastodon,
    parse_sitemap,
    parse_youtube,
)

SITEMAP_CHILDREN = 3


@dataclass
class KindSpec:
    kind: str
    url: str
    listing: str = ""
    name: str = ""
    options: dict = field(default_factory=dict)


def _http_url(value: str, *, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(_("Enter %(what)s.") % {"what": label})
    if "://" not in value:
        value = "https://" + value
    try:
        parts = validate_url_syntax(value)
    except FetchError as exc:
        raise InvalidInput(exc.message) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(_("Enter an http or https URL."))
    return value[:2000]


# --- specs: one per kind --------------------------------------------------------------------------

_YT_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
_YT_PLAYLIST = re.compile(r"(?:PL|UU|OL|FL|LL|RD)[A-Za-z0-9_-]{8,64}")


def youtube_spec(target: str) -> KindSpec:
    """A channel (UC… id or /channel/ URL) or a playlist (PL… id or ?list= URL)."""
    target = (target or "").strip()
    parts = urlsplit(target if "://" in target else "")
    query = parse_qs(parts.query)
    channel = (query.get("channel_id") or [""])[0] or next(
        (s for s in parts.path.split("/") if _YT_CHANNEL.fullmatch(s)), ""
    )
    playlist = (query.get("playlist_id") or query.get("list") or [""])[0]
    if not parts.scheme:
        channel = target if _YT_CHANNEL.fullmatch(target) else ""
        playlist = target if _YT_PLAYLIST.fullmatch(target) else ""
    base = settings.SOURCES_YOUTUBE_FEED_URL
    if channel and _YT_CHANNEL.fullmatch(channel):
        return KindSpec(SourceKind.YOUTUBE, f"{base}?channel_id={channel}", "channel", f"YouTube {channel}")
    if playlist and _YT_PLAYLIST.fullmatch(playlist):
        return KindSpec(SourceKind.YOUTUBE, f"{base}?playlist_id={playlist}", "playlist", f"YouTube {playlist}")
    raise InvalidInput(
        _("Enter a YouTube channel id (UC…), a youtube.com/channel/… URL, or a playlist id or URL (?list=PL…).")
    )


MASTODON_MODES = ("trend_links", "trend_tags", "hashtag", "account")
_TAG = re.compile(r"[^\W]\w{0,99}", re.UNICODE)
_ACCT = re.compile(r"[A-Za-z0-9_]{1,30}(?:@[A-Za-z0-9.-]{1,253})?")


def mastodon_spec(instance: str, mode: str, value: str = "") -> KindSpec:
    """An instance's trending links or tags, a hashtag timeline, or an account's public posts."""
    value = (value or "").strip()
    if value.startswith("https://") and "/@" in value:  # https://host/@user pasted as the account
        instance, value, mode = value.split("/@", 1)[0], value.split("/@", 1)[1].strip("/"), "account"
    base = _http_url(instance, label=_("the Mastodon server's address")).rstrip("/")
    host = urlsplit(base).hostname
    base = f"{urlsplit(base).scheme}://{urlsplit(base).netloc}"
    if mode not in MASTODON_MODES:
        raise InvalidInput(_("Choose what to follow on the Mastodon server."))
    if mode == "trend_links":
        return KindSpec(
            SourceKind.MASTODON,
            f"{base}/api/v1/trends/links?limit=20",
            mode,
            _("%(host)s: trending links") % {"host": host},
        )
    if mode == "trend_tags":
        return KindSpec(
            SourceKind.MASTODON,
            f"{base}/api/v1/trends/tags?limit=20",
            mode,
            _("%(host)s: trending tags") % {"host": host},
        )
    if mode == "hashtag":
        tag = value.lstrip("#")
        if not _TAG.fullmatch(tag):
            raise InvalidInput(_("Enter a hashtag (letters, digits and underscores)."))
        return KindSpec(
            SourceKind.MASTODON, f"{base}/api/v1/timelines/tag/{quote(tag)}?limit=40", mode, f"{host}: #{tag}"
        )
    acct = value.lstrip("@")
    if not _ACCT.fullmatch(acct):
        raise InvalidInput(_("Enter an account as name or name@server."))
    return KindSpec(
        SourceKind.MASTODON, f"{base}/api/v1/accounts/lookup?{urlencode({'acct': acct})}", mode, f"{host}: @{acct}"
    )


BLUESKY_MODES = ("search", "author", "feed")
_HANDLE = re.compile(r"(?:did:[a-z]+:[A-Za-z0-9._:%-]{1,200}|[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)")
_FEED_URL = re.compile(r"https://bsky\.app/profile/([^/]+)/feed/([A-Za-z0-9._~-]{1,64})/?")
_FEED_URI = re.compile(r"at://([^/]+)/app\.bsky\.feed\.generator/([A-Za-z0-9._~-]{1,64})")


def bluesky_spec(mode: str, value: str) -> KindSpec:
    """A search query, an account's posts, or a custom feed, through the public AppView (no login)."""
    value = (value or "").strip()
    xrpc = settings.SOURCES_BLUESKY_APPVIEW.rstrip("/") + "/xrpc/"
    if mode == "search":
        if not 1 <= len(value) <= 200:
            raise InvalidInput(_("Enter a search query (up to 200 characters)."))
        query = urlencode({"q": value, "limit": 50, "sort": "latest"})
        return KindSpec(SourceKind.BLUESKY, f"{xrpc}app.bsky.feed.searchPosts?{query}", mode, f"Bluesky: {value}")
    if mode == "author":
        handle = value.removeprefix("https://bsky.app/profile/").strip("/").lstrip("@")
        if not _HANDLE.fullmatch(handle):
            raise InvalidInput(_("Enter a Bluesky handle (name.bsky.social), a DID or a profile URL."))
        query = urlencode({"actor": handle, "limit": 50, "filter": "posts_no_replies"})
        return KindSpec(SourceKind.BLUESKY, f"{xrpc}app.bsky.feed.getAuthorFeed?{query}", mode, f"Bluesky: @{handle}")
    if mode == "feed":
        match = _FEED_URL.fullmatch(value) or _FEED_URI.fullmatch(value)
        if not match or not _HANDLE.fullmatch(match.group(1)):
            raise InvalidInput(_("Enter a custom feed as its bsky.app/profile/…/feed/… URL or its at:// URI."))
        uri = f"at://{match.group(1)}/app.bsky.feed.generator/{match.group(2)}"
        query = urlencode({"feed": uri, "limit": 50})
        return KindSpec(
            SourceKind.BLUESKY,
            f"{xrpc}app.bsky.feed.getFeed?{query}",
            mode,
            _("Bluesky feed: %(name)s") % {"name": match.group(2)},
        )
    raise InvalidInput(_("Choose what to follow on Bluesky."))


_GEO = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")


def google_trends_spec(geo: str) -> KindSpec:
    geo = (geo or "").strip().upper()
    if not _GEO.fullmatch(geo):
        raise InvalidInput(_("Enter a two-letter country code, for example US, DE or JP."))
    url = f"{settings.SOURCES_GOOGLE_TRENDS_URL}?{urlencode({'geo': geo})}"
    return KindSpec(SourceKind.GOOGLE_TRENDS, url, "", f"Google Trends {geo}", {"geo": geo})


def lobsters_spec(url: str) -> KindSpec:
    url = _http_url(url, label=_("the site's address"))
    parts = urlsplit(url)
    if not parts.path.endswith(".json"):
        url = urljoin(url.rstrip("/") + "/", "hottest.json")
    return KindSpec(SourceKind.LOBSTERS, url, "", f"{parts.hostname} ({url.rsplit('/', 1)[-1].removesuffix('.json')})")


_REPO = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})")


def github_releases_spec(target: str) -> KindSpec:
    target = (target or "").strip()
    if "://" in target:
        target = "/".join(urlsplit(target).path.strip("/").split("/")[:2])
    target = target.removesuffix(".git")
    match = _REPO.fullmatch(target)
    if not match or match.group(2) in (".", ".."):
        raise InvalidInput(_("Enter a repository as owner/name or its github.com URL."))
    base = settings.SOURCES_GITHUB_URL.rstrip("/")
    return KindSpec(
        SourceKind.GITHUB_RELEASES,
        f"{base}/{match.group(1)}/{match.group(2)}/releases.atom",
        "",
        _("%(repo)s releases") % {"repo": f"{match.group(1)}/{match.group(2)}"},
        {"repo": f"{match.group(1)}/{match.group(2)}"},
    )


def news_sitemap_spec(url: str) -> KindSpec:
    url = _http_url(url, label=_("the sitemap's address"))
    return KindSpec(SourceKind.NEWS_SITEMAP, url, "", _("%(host)s (news sitemap)") % {"host": urlsplit(url).hostname})


def web_page_spec(url: str) -> KindSpec:
    url = _http_url(url, label=_("the page's address"))
    return KindSpec(SourceKind.WEB_PAGE, url, "", _("%(host)s (watched page)") % {"host": urlsplit(url).hostname})


# --- fetching -------------------------------------------------------------------------------------


def _json_or_error(result: FetchResult):
    doc = load_json(result.body)
    message = api_error(doc)
    if message:
        raise ParseError(message)
    return doc


def _fetch_json(url: str, **kwargs) -> tuple[FetchResult, object]:
    result = fetch_url(url, accept="application/json", **kwargs)
    return result, (None if result.not_modified else _json_or_error(result))


def _mastodon_account_url(source: Source) -> str:
    """The statuses URL of a Mastodon account source, looking the account id up once."""
    account_id = str(source.options.get("account_id") or "")
    if not account_id:
        _result, doc = _fetch_json(source.url, total_timeout=10.0)
        if not isinstance(doc, dict) or not str(doc.get("id") or "").isdigit():
            raise ParseError(_("The Mastodon server did not return an account."))
        account_id = str(doc["id"])
        source.options = {**source.options, "account_id": account_id}
        Source.objects.filter(pk=source.pk).update(options=source.options)
    base = f"{urlsplit(source.url).scheme}://{urlsplit(source.url).netloc}"
    return f"{base}/api/v1/accounts/{account_id}/statuses?limit=40&exclude_replies=true"


def _bluesky_url(source: Source) -> str:
    """A custom feed named by handle needs its DID: resolved once through the AppView."""
    if source.listing != "feed":
        return source.url
    if source.options.get("feed_url"):
        return source.options["feed_url"]
    feed = parse_qs(urlsplit(source.url).query).get("feed", [""])[0]
    match = _FEED_URI.fullmatch(feed)
    if not match:
        raise ParseError(_("This Bluesky feed URI is not valid."))
    authority = match.group(1)
    if not authority.startswith("did:"):
        xrpc = source.url.split("/xrpc/", 1)[0] + "/xrpc/"
        _result, doc = _fetch_json(
            f"{xrpc}com.atproto.identity.resolveHandle?{urlencode({'handle': authority})}", total_timeout=10.0
        )
        if not isinstance(doc, dict) or not str(doc.get("did") or "").startswith("did:"):
            raise ParseError(_("The Bluesky handle %(handle)s could not be resolved.") % {"handle": authority})
        authority = doc["did"]
    url = (
        source.url.split("?", 1)[0]
        + "?"
        + urlencode({"feed": f"at://{authority}/{feed.split('/', 3)[3]}", "limit": 50})
    )
    source.options = {**source.options, "feed_url": url}
    Source.objects.filter(pk=source.pk).update(options=source.options)
    return url


def fetch_json_kind(source: Source) -> tuple[FetchResult, ParsedFeed | None]:
    """Mastodon, Bluesky and Lobsters sources: one JSON request (two the first time for a Mastodon
    account or a Bluesky feed named by handle)."""
    if source.kind == SourceKind.MASTODON:
        url = _mastodon_account_url(source) if source.listing == "account" else source.url
    elif source.kind == SourceKind.BLUESKY:
        url = _bluesky_url(source)
    else:
        url = source.url
    result, doc = _fetch_json(url, etag=source.etag, last_modified=source.last_modified)
    if result.not_modified:
        return result, None
    if source.kind == SourceKind.MASTODON:
        parsed = parse_mastodon(doc, url=result.final_url, mode=source.listing)
    elif source.kind == SourceKind.BLUESKY:
        parsed = parse_bluesky(doc, url=result.final_url)
    else:
        parsed = parse_lobsters(doc, url=result.final_url)
    parsed.title = source.name or parsed.title
    return result, parsed


def parse_xml_kind(source: Source, result: FetchResult) -> ParsedFeed:
    """YouTube and Google Trends bodies (news sitemaps and GitHub releases have their own paths)."""
    if source.kind == SourceKind.YOUTUBE:
        return parse_youtube(result.body, url=result.final_url)
    return parse_google_trends(result.body, url=result.final_url, geo=str(source.options.get("geo") or ""))


def parse_body(source: Source, body: bytes, *, url: str) -> ParsedFeed | None:
    """A body of one of the newer kinds we already have (backfills), or None for the classic kinds.
    A watched page's links need fetching, so it has no offline form."""
    result = FetchResult(url=url, final_url=url, status=200, body=body)
    if source.kind in (SourceKind.YOUTUBE, SourceKind.GOOGLE_TRENDS):
        return parse_xml_kind(source, result)
    if source.kind == SourceKind.MASTODON:
        return parse_mastodon(_json_or_error(result), url=url, mode=source.listing)
    if source.kind == SourceKind.BLUESKY:
        return parse_bluesky(_json_or_error(result), url=url)
    if source.kind == SourceKind.LOBSTERS:
        return parse_lobsters(_json_or_error(result), url=url)
    if source.kind == SourceKind.NEWS_SITEMAP:
        return parse_sitemap(body, url=url)[0]
    if source.kind == SourceKind.WEB_PAGE:
        raise ParseError(_("A watched page is read from the web, not from a file."))
    return None


def fetch_news_sitemap(source: Source) -> tuple[FetchResult, ParsedFeed | None]:
    result = fetch_url(source.url, etag=source.etag, last_modified=source.last_modified)
    if result.not_modified:
        return result, None
    parsed, children = parse_sitemap(result.body, url=result.final_url)
    for child in children[:SITEMAP_CHILDREN]:
        try:
            child_result = fetch_url(urljoin(result.final_url, child), total_timeout=15.0)
            child_parsed, _grandchildren = parse_sitemap(child_result.body, url=child_result.final_url)
        except (FetchError, ParseError):
            continue
        parsed.entries.extend(child_parsed.entries)
        parsed.title = parsed.title or child_parsed.title
    if children and not parsed.entries:
        raise ParseError(_("None of the sitemap index's newest sitemaps could be read."))
    return result, parsed


def _page_entry(link: str, text: str) -> RawEntry:
    article = fetch_article(link)
    if article.status != FulltextStatus.DONE:
        # still stored (the link is news), with the link's own text, so the page's change is visible
        return RawEntry(guid=canonical_url(link), url=link, title=text or link)
    return RawEntry(
        guid=canonical_url(link),
        url=link,
        title=article.title or text,
        author=article.author,
        published=article.published,
        content_html=article.html,
        image_url=article.image_url,
    )


def fetch_web_page(source: Source) -> tuple[FetchResult, ParsedFeed | None]:
    """A list page: its article-like links not seen before, each article fetched and extracted."""
    result = fetch_url(source.url, etag=source.etag, last_modified=source.last_modified)
    if result.not_modified:
        return result, None
    links = page_article_links(result.body, page_url=result.final_url)
    if not links:
        raise ParseError(_("No article links were found on this page."))
    known = set(
        Item.objects.filter(source=source, guid__in=[canonical_url(u) for u, _t in links]).values_list(
            "guid", flat=True
        )
    )
    fresh = [(u, t) for u, t in links if canonical_url(u) not in known][: settings.SOURCES_WEB_PAGE_ARTICLES]
    parsed = ParsedFeed(kind="web_page", title=source.name, link=result.final_url)
    parsed.entries = [_page_entry(link, text) for link, text in fresh]
    return result, parsed


def github_release_titles(source: Source, parsed: ParsedFeed) -> ParsedFeed:
    """A release called "v2.1.0" is a headline only with its repository's name in front."""
    repo = str(source.options.get("repo") or "")
    if repo:
        for entry in parsed.entries:
            if repo.lower() not in entry.title.lower():
                entry.title = f"{repo} {entry.title}".strip()
    parsed.kind = SourceKind.GITHUB_RELEASES
    return parsed
