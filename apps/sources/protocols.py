"""Parsers for the newer source kinds: YouTube Atom feeds, Mastodon and Bluesky JSON, Google Trends
RSS, Lobsters-style JSON, news sitemaps and the links of a watched web page. Each turns bytes (or a
decoded document) into a ParsedFeed of RawEntry; no network, no database."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .engagement import parse_traffic
from .normalize import RawEntry
from .parsing import MAX_ENTRIES, ParsedFeed, ParseError, strip_doctype_subset, time_limit

# --- XML helpers ------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml_root(data: bytes) -> ET.Element:
    """The root element of an XML body with its DOCTYPE subset removed (no entity expansion)."""
    data = strip_doctype_subset(data)
    try:
        with time_limit(10.0):
            return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ParseError(_("Not well-formed XML: %(error)s") % {"error": str(exc)[:200]}) from exc


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: ET.Element | None, name: str = "") -> str:
    if element is None:
        return ""
    if name:
        element = _child(element, name)
        if element is None:
            return ""
    return (element.text or "").strip()


def _date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        parsed = datetime.fromisoformat(value)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _dict(value: object) -> dict[str, Any]:
    """The value when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    return None


def _escape_text_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n") if p.strip())


# --- YouTube ----------------------------------------------------------------------------------


def _youtube_entry(entry: ET.Element) -> RawEntry:
    group = _child(entry, "group")
    video_id = _text(entry, "videoId")
    link = next((e.get("href", "") for e in _children(entry, "link") if e.get("rel", "alternate") == "alternate"), "")
    description = _text(group, "description")
    thumbnail = _child(group, "thumbnail") if group is not None else None
    content = _child(group, "content") if group is not None else None
    community = _child(group, "community") if group is not None else None
    statistics = _child(community, "statistics") if community is not None else None
    rating = _child(community, "starRating") if community is not None else None
    duration = _int(content.get("duration")) if content is not None else None
    signals = {"views": _int(statistics.get("views")) if statistics is not None else None}
    if rating is not None:
        signals["likes"] = _int(rating.get("count"))
    summary = _escape_text_html(description)
    if duration:
        hours, rest = divmod(duration, 3600)
        clock = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
        summary = f"<p>{_('Duration')}: {clock}</p>" + summary
    return RawEntry(
        guid=f"yt:{video_id}" if video_id else _text(entry, "id"),
        url=link or (f"https://www.youtube.com/watch?v={video_id}" if video_id else ""),
        title=_text(entry, "title") or _text(group, "title"),
        author=_text(_child(entry, "author"), "name"),
        published=_date(_text(entry, "published") or _text(entry, "updated")),
        summary_html=summary,
        image_url=thumbnail.get("url", "") if thumbnail is not None else "",
        signals=signals,
    )


def parse_youtube(data: bytes, *, url: str = "") -> ParsedFeed:
    root = parse_xml_root(data)
    if _local(root.tag) != "feed":
        raise ParseError(_("This is not a YouTube Atom feed."))
    link = next((e.get("href", "") for e in _children(root, "link") if e.get("rel") == "alternate"), "")
    result = ParsedFeed(kind="youtube", title=_text(root, "title")[:255], link=link)
    result.entries = [_youtube_entry(e) for e in _children(root, "entry")[:MAX_ENTRIES]]
    return result


# --- Google Trends ----------------------------------------------------------------------------


def parse_google_trends(data: bytes, *, url: str = "", geo: str = "") -> ParsedFeed:
    """Daily search trends: one entry per search term, its approximate traffic as a signal and the
    news articles Google lists for it as the summary (so the term can be matched to stories)."""
    root = parse_xml_root(data)
    channel = _child(root, "channel") if _local(root.tag) == "rss" else None
    if channel is None:
        raise ParseError(_("This is not a Google Trends RSS feed."))
    result = ParsedFeed(kind="google_trends", title=_text(channel, "title")[:255] or "Google Trends", link=url)
    for item in _children(channel, "item")[:MAX_ENTRIES]:
        term = _text(item, "title")
        if not term:
            continue
        news = []
        for news_item in _children(item, "news_item"):
            title, link = _text(news_item, "news_item_title"), _text(news_item, "news_item_url")
            source = _text(news_item, "news_item_source")
            if title and link.startswith(("http://", "https://")):
                news.append(
                    f'<li><a href="{html.escape(link)}">{html.escape(title)}</a>'
                    + (f" ({html.escape(source)})" if source else "")
                    + "</li>"
                )
        explore = f"https://trends.google.com/trends/explore?q={quote(term)}" + (f"&geo={geo}" if geo else "")
        result.entries.append(
            RawEntry(
                guid=f"gtrends:{geo}:{term.lower()}",
                url=explore,
                title=term,
                published=_date(_text(item, "pubDate")),
                summary_html=f"<ul>{''.join(news)}</ul>" if news else "",
                image_url=_text(item, "picture"),
                signals={"traffic": parse_traffic(_text(item, "approx_traffic"))},
            )
        )
    return result


# --- news sitemaps ----------------------------------------------------------------------------


def parse_sitemap(data: bytes, *, url: str = "") -> tuple[ParsedFeed, list[str]]:
    """A news sitemap's <url> entries with <news:news>, or, for a sitemap index, the child sitemaps
    (newest first) to read instead."""
    root = parse_xml_root(data)
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [(_text(s, "lastmod"), _text(s, "loc")) for s in _children(root, "sitemap")]
        children.sort(key=lambda pair: pair[0], reverse=True)
        return ParsedFeed(kind="news_sitemap"), [loc for _lastmod, loc in children if loc]
    if kind != "urlset":
        raise ParseError(_("This is not a sitemap (no <urlset>)."))
    result = ParsedFeed(kind="news_sitemap", link=url)
    for entry in _children(root, "url"):
        news = _child(entry, "news")
        loc = _text(entry, "loc")
        if news is None or not loc:
            continue  # a plain sitemap entry has no title or date: not news
        publication = _child(news, "publication")
        image = _child(entry, "image")
        keywords = _text(news, "keywords")
        result.title = result.title or _text(publication, "name")
        result.entries.append(
            RawEntry(
                guid=loc,
                url=loc,
                title=_text(news, "title"),
                author=_text(publication, "name"),
                published=_date(_text(news, "publication_date")),
                summary_html=f"<p>{html.escape(keywords)}</p>" if keywords else "",
                image_url=_text(image, "loc"),
                language=_text(publication, "language")[:8],
            )
        )
        if len(result.entries) >= MAX_ENTRIES:
            break
    return result, []


# --- Lobsters-style JSON ----------------------------------------------------------------------


def parse_lobsters(doc, *, url: str = "") -> ParsedFeed:
    if not isinstance(doc, list):
        raise ParseError(_("This JSON is not a Lobsters-style list of stories."))
    host = urlsplit(url).hostname or "Lobsters"
    result = ParsedFeed(kind="lobsters", title=host, link=urljoin(url, "/"))
    for story in doc[:MAX_ENTRIES]:
        if not isinstance(story, dict) or not story.get("title"):
            continue
        submitter = story.get("submitter_user")
        if isinstance(submitter, dict):
            submitter = submitter.get("username", "")
        tags = [str(t) for t in story.get("tags") or [] if isinstance(t, str)]
        description = str(story.get("description") or "")
        if tags:
            description += f"<p>{html.escape(', '.join(tags))}</p>"
        discussion = str(story.get("comments_url") or story.get("short_id_url") or "")
        result.entries.append(
            RawEntry(
                guid=f"lobsters:{host}:{story.get('short_id') or discussion}",
                url=str(story.get("url") or discussion),
                title=str(story["title"]),
                author=str(submitter or ""),
                published=_date(str(story.get("created_at") or "")),
                summary_html=description,
                score=_int(story.get("score")),
                comments=_int(story.get("comment_count")),
                base_url=discussion or url,
                signals={"score": _int(story.get("score")), "comments": _int(story.get("comment_count"))},
            )
        )
    return result


# --- Mastodon ---------------------------------------------------------------------------------


def api_error(doc) -> str:
    """The message of a Mastodon ({"error": ...}) or XRPC ({"error", "message"}) error body."""
    if isinstance(doc, dict) and isinstance(doc.get("error"), str):
        return str(doc.get("message") or doc.get("error_description") or doc["error"])[:300]
    return ""


def _history_totals(history) -> dict:
    uses = accounts = 0
    for day in history or []:
        if isinstance(day, dict):
            uses += _int(day.get("uses")) or 0
            accounts += _int(day.get("accounts")) or 0
    return {"uses": uses, "accounts": accounts}


def _history_day(history) -> datetime | None:
    days = [_int(d.get("day")) for d in history or [] if isinstance(d, dict)]
    found = [d for d in days if d]
    return datetime.fromtimestamp(max(found), tz=UTC) if found else None


def _mastodon_status(status: dict) -> RawEntry | None:
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    account = _dict(status.get("account"))
    card = _dict(status.get("card"))
    media = [m for m in status.get("media_attachments") or [] if isinstance(m, dict)]
    content = str(status.get("content") or "")
    if status.get("spoiler_text"):
        content = f"<p>{html.escape(str(status['spoiler_text']))}</p>" + content
    if card.get("url"):
        content += (
            f'<p><a href="{html.escape(str(card["url"]))}">{html.escape(str(card.get("title") or card["url"]))}</a></p>'
        )
    image = card.get("image") or next((m.get("preview_url") for m in media if m.get("type") == "image"), "")
    return RawEntry(
        guid=f"mastodon:{status.get('uri') or status.get('url') or status.get('id')}",
        url=str(status.get("url") or status.get("uri") or ""),
        title=str(card.get("title") or ""),
        author=str(account.get("acct") or account.get("username") or ""),
        published=_date(str(status.get("created_at") or "")),
        summary_html=content,
        image_url=str(image or ""),
        language=str(status.get("language") or "")[:8],
        comments=_int(status.get("replies_count")),
        signals={
            "reblogs": _int(status.get("reblogs_count")),
            "favourites": _int(status.get("favourites_count")),
            "replies": _int(status.get("replies_count")),
        },
    )


def parse_mastodon(doc, *, url: str = "", mode: str = "") -> ParsedFeed:
    """Trending links (preview cards), trending tags, or statuses (a hashtag or an account timeline)."""
    message = api_error(doc)
    if message:
        raise ParseError(_("The Mastodon server answered: %(error)s") % {"error": message})
    if not isinstance(doc, list):
        raise ParseError(_("This JSON is not a Mastodon list."))
    result = ParsedFeed(kind="mastodon", link=urljoin(url, "/"))
    entry: RawEntry | None
    for row in doc[:MAX_ENTRIES]:
        if not isinstance(row, dict):
            continue
        if mode == "trend_links":
            if not row.get("url"):
                continue
            entry = RawEntry(
                guid=f"mastodon-link:{row['url']}",
                url=str(row["url"]),
                title=str(row.get("title") or ""),
                author=str(row.get("author_name") or row.get("provider_name") or ""),
                published=_date(str(row.get("published_at") or "")) or _history_day(row.get("history")),
                summary_html=html.escape(str(row.get("description") or "")),
                image_url=str(row.get("image") or ""),
                language=str(row.get("language") or "")[:8],
                signals=_history_totals(row.get("history")),
            )
        elif mode == "trend_tags":
            if not row.get("name"):
                continue
            entry = RawEntry(
                guid=f"mastodon-tag:{urlsplit(url).hostname}:{str(row['name']).lower()}",
                url=str(row.get("url") or urljoin(url, f"/tags/{quote(str(row['name']))}")),
                title=f"#{row['name']}",
                published=_history_day(row.get("history")),
                signals=_history_totals(row.get("history")),
            )
        else:
            entry = _mastodon_status(row)
        if entry is not None:
            result.entries.append(entry)
    return result


# --- Bluesky ----------------------------------------------------------------------------------


def bluesky_post_url(uri: str, handle: str) -> str:
    """https://bsky.app/profile/<handle>/post/<rkey> for at://<did>/app.bsky.feed.post/<rkey>."""
    match = re.fullmatch(r"at://([^/]+)/app\.bsky\.feed\.post/([^/]+)", uri or "")
    if not match:
        return ""
    return f"https://bsky.app/profile/{quote(handle or match.group(1))}/post/{quote(match.group(2))}"


def _bluesky_post(post: dict) -> RawEntry | None:
    record = _dict(post.get("record"))
    author = _dict(post.get("author"))
    uri = str(post.get("uri") or "")
    if not uri:
        return None
    text = str(record.get("text") or "")
    embed = _dict(post.get("embed"))
    external = _dict(embed.get("external"))
    images = [i for i in embed.get("images") or [] if isinstance(i, dict)]
    summary = _escape_text_html(text)
    if external.get("uri"):
        summary += (
            f'<p><a href="{html.escape(str(external["uri"]))}">'
            f"{html.escape(str(external.get('title') or external['uri']))}</a></p>"
        )
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    return RawEntry(
        guid=f"bsky:{uri}",
        url=bluesky_post_url(uri, str(author.get("handle") or "")),
        title=str(external.get("title") or ""),
        author=str(author.get("handle") or author.get("displayName") or ""),
        published=_date(str(record.get("createdAt") or post.get("indexedAt") or "")),
        summary_html=summary,
        image_url=str(external.get("thumb") or (images[0].get("thumb") if images else "") or ""),
        language=str(langs[0])[:8] if langs else "",
        comments=_int(post.get("replyCount")),
        signals={
            "likes": _int(post.get("likeCount")),
            "reposts": _int(post.get("repostCount")),
            "replies": _int(post.get("replyCount")),
            "quotes": _int(post.get("quoteCount")),
        },
    )


def parse_bluesky(doc, *, url: str = "") -> ParsedFeed:
    """searchPosts ({"posts": [...]}) or getAuthorFeed/getFeed ({"feed": [{"post": ...}]})."""
    message = api_error(doc)
    if message:
        raise ParseError(_("The Bluesky AppView answered: %(error)s") % {"error": message})
    if not isinstance(doc, dict) or not isinstance(doc.get("posts", doc.get("feed")), list):
        raise ParseError(_("This JSON is not a Bluesky feed or search result."))
    posts = doc.get("posts") or [row.get("post") for row in doc.get("feed") or [] if isinstance(row, dict)]
    result = ParsedFeed(kind="bluesky", link="https://bsky.app/")
    for post in posts[:MAX_ENTRIES]:
        entry = _bluesky_post(post) if isinstance(post, dict) else None
        if entry is not None:
            result.entries.append(entry)
    return result


# --- a web page's links -----------------------------------------------------------------------

_SKIP_EXTENSIONS = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|pdf|zip|mp[34]|css|js|xml|rss|ico)$", re.I)
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}|\d{4,}", re.I)


class _AnchorFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self.base = ""
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attr = {k.lower(): (v or "") for k, v in attrs}
        if tag == "base" and attr.get("href") and not self.base:
            self.base = attr["href"]
        elif tag == "a" and attr.get("href"):
            self._href, self._text = attr["href"], []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.anchors.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def _bare_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def page_article_links(data: bytes, *, page_url: str, limit: int = 200) -> list[tuple[str, str]]:
    """Links of a list page that look like articles of the same site, as (absolute URL, link text),
    in page order: same host, not the page itself, not files, and either a headline-length text or a
    slug-like path (three hyphenated words, or a long number)."""
    finder = _AnchorFinder()
    with time_limit(5.0):
        finder.feed(data[: 2 * 1024 * 1024].decode("utf-8", errors="replace"))
    base = urljoin(page_url, finder.base) if finder.base else page_url
    host = _bare_host(page_url)
    own = urlsplit(page_url)._replace(fragment="").geturl().rstrip("/")
    seen: set[str] = set()
    found = []
    for href, text in finder.anchors:
        absolute = urlsplit(urljoin(base, href.strip()))._replace(fragment="").geturl()
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or _bare_host(absolute) != host:
            continue
        if absolute.rstrip("/") == own or absolute in seen or _SKIP_EXTENSIONS.search(parts.path):
            continue
        segments = [s for s in parts.path.split("/") if s]
        if not segments or not (len(text) >= 25 or _SLUG.search(parts.path)):
            continue
        seen.add(absolute)
        found.append((absolute, text[:300]))
        if len(found) >= limit:
            break
    return found
