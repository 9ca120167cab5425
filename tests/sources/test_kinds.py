"""The newer source kinds against local servers speaking their protocols (YouTube Atom, Mastodon
REST, Bluesky XRPC, Google Trends RSS, Lobsters JSON, GitHub releases Atom, news sitemaps, a web
page's links), through the real fetch pipeline and the guarded HTTP client."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from apps.core.errors import InvalidInput
from apps.sources import kinds, selectors, services
from apps.sources.models import FetchOutcome, Item, Source, SourceKind, SourceStatus
from apps.sources.signals import items_ingested

from .conftest import Route

pytestmark = pytest.mark.django_db

CHANNEL = "UCabcdefghijklmnopqrstuv"


@pytest.fixture
def kind_urls(settings, feed_server, allow_private):
    settings.SOURCES_YOUTUBE_FEED_URL = feed_server.url("/feeds/videos.xml")
    settings.SOURCES_BLUESKY_APPVIEW = feed_server.base
    settings.SOURCES_GOOGLE_TRENDS_URL = feed_server.url("/trending/rss")
    settings.SOURCES_GITHUB_URL = feed_server.base
    settings.SOURCES_FULLTEXT_HOST_INTERVAL = 0.05
    return feed_server


def add(editor, workspace, kind, **fields) -> Source:
    return services.source_add_kind(user=editor, workspace=workspace, kind=kind, fields=fields)


def fetch(source):
    report = services.source_fetch(source_id=source.pk)
    source.refresh_from_db()
    return report


def json_route(doc, status: int = 200, headers: dict | None = None) -> Route:
    return Route(
        body=json.dumps(doc, ensure_ascii=False).encode(),
        status=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


# --- YouTube --------------------------------------------------------------------------------------

YOUTUBE_FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id={CHANNEL}"/>
 <id>yt:channel:{CHANNEL}</id>
 <yt:channelId>{CHANNEL}</yt:channelId>
 <title>Новости канала 📺</title>
 <link rel="alternate" href="https://www.youtube.com/channel/{CHANNEL}"/>
 <entry>
  <id>yt:video:vid00000001</id>
  <yt:videoId>vid00000001</yt:videoId>
  <title>Запуск ракеты: прямой эфир 🚀</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=vid00000001"/>
  <author><name>Космос ТВ</name><uri>https://www.youtube.com/channel/{CHANNEL}</uri></author>
  <published>2026-11-30T10:00:00+00:00</published>
  <updated>2026-11-30T12:00:00+00:00</updated>
  <media:group>
   <media:title>Запуск ракеты: прямой эфир 🚀</media:title>
   <media:content url="https://www.youtube.com/v/vid00000001?version=3" type="application/x-shockwave-flash"
     width="640" height="390" duration="3725"/>
   <media:thumbnail url="https://i1.ytimg.com/vi/vid00000001/hqdefault.jpg" width="480" height="360"/>
   <media:description>Трансляция запуска.&lt;script&gt;alert(1)&lt;/script&gt;

Второй абзац.</media:description>
   <media:community>
    <media:starRating count="812" average="5.00" min="1" max="5"/>
    <media:statistics views="123456"/>
   </media:community>
  </media:group>
 </entry>
 <entry>
  <id>yt:video:vid00000002</id>
  <yt:videoId>vid00000002</yt:videoId>
  <title>Short clip</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=vid00000002"/>
  <published>2026-11-29T10:00:00+00:00</published>
  <media:group><media:description>No stats here.</media:description></media:group>
 </entry>
</feed>""".encode()


def test_youtube_spec_accepts_channel_and_playlist_forms(settings):
    settings.SOURCES_YOUTUBE_FEED_URL = "https://www.youtube.com/feeds/videos.xml"
    assert kinds.youtube_spec(CHANNEL).url.endswith(f"channel_id={CHANNEL}")
    assert kinds.youtube_spec(f"https://www.youtube.com/channel/{CHANNEL}/videos").listing == "channel"
    spec = kinds.youtube_spec("https://www.youtube.com/playlist?list=PLxyz1234567890")
    assert spec.listing == "playlist" and spec.url.endswith("playlist_id=PLxyz1234567890")
    for bad in ("", "@somebody", "https://www.youtube.com/watch?v=abc", "UCshort", "javascript:alert(1)"):
        with pytest.raises(InvalidInput):
            kinds.youtube_spec(bad)


def test_youtube_channel_feed(workspace, editor, kind_urls):
    kind_urls.routes[f"/feeds/videos.xml?channel_id={CHANNEL}"] = Route(
        body=YOUTUBE_FEED, headers={"Content-Type": "application/atom+xml"}
    )
    source = add(editor, workspace, SourceKind.YOUTUBE, target=f"https://www.youtube.com/channel/{CHANNEL}")
    report = fetch(source)
    assert report.outcome == FetchOutcome.OK and report.new == 2
    video = Item.objects.get(guid="yt:vid00000001")
    assert video.title == "Запуск ракеты: прямой эфир 🚀" and video.author == "Космос ТВ"
    assert video.image_url == "https://i1.ytimg.com/vi/vid00000001/hqdefault.jpg"
    assert "Duration: 1:02:05" in video.summary_html  # media:content duration, in seconds
    assert "<script" not in video.summary_html and "Второй абзац." in video.text
    assert video.signals == {"views": 123456, "likes": 812} and 0 < video.engagement < 1
    assert Item.objects.get(guid="yt:vid00000002").signals == {}
    assert source.site_url == f"https://www.youtube.com/channel/{CHANNEL}"


def test_youtube_not_a_feed_is_a_readable_failure(workspace, editor, kind_urls):
    kind_urls.routes[f"/feeds/videos.xml?channel_id={CHANNEL}"] = Route(body=b"<html><body>consent</body></html>")
    source = add(editor, workspace, SourceKind.YOUTUBE, target=CHANNEL)
    report = fetch(source)
    assert report.outcome == FetchOutcome.ERROR and "YouTube" in source.last_error


# --- Mastodon -------------------------------------------------------------------------------------


def status(n: int, **extra) -> dict:
    doc = {
        "id": str(1000 + n),
        "uri": f"https://social.example/users/alice/statuses/{1000 + n}",
        "url": f"https://social.example/@alice/{1000 + n}",
        "created_at": f"2026-11-30T0{n}:00:00.000Z",
        "content": f"<p>Пост {n} про #выборы <script>x()</script></p>",
        "language": "ru",
        "account": {"id": "7", "acct": "alice", "username": "alice", "display_name": "Алиса"},
        "reblogs_count": 10 * n,
        "favourites_count": 100 * n,
        "replies_count": n,
        "media_attachments": [],
        "card": None,
        "reblog": None,
        "spoiler_text": "",
    }
    doc.update(extra)
    return doc


class MastodonServer:
    """The public REST endpoints the Mastodon kind uses, with Mastodon's error bodies."""

    def __init__(self, server):
        self.lookups = 0
        server.handle("/api/v1/trends/links", self.links)
        server.handle("/api/v1/trends/tags", self.tags)
        server.handle("/api/v1/timelines/tag/выборы", self.tag_timeline)
        server.handle("/api/v1/accounts/lookup", self.lookup)
        server.handle("/api/v1/accounts/7/statuses", self.account_statuses)

    def links(self, query, headers):
        history = [
            {"day": "1764460800", "uses": "120", "accounts": "80"},
            {"day": "1764374400", "uses": "30", "accounts": "20"},
        ]
        return json_route(
            [
                {
                    "url": "https://news.example/2026/11/30/budget-vote?utm_source=mastodon",
                    "title": "Budget vote passes",
                    "description": "The council voted.",
                    "type": "link",
                    "provider_name": "News Example",
                    "image": "https://news.example/img.jpg",
                    "history": history,
                },
                {"title": "no url"},
            ]
        )

    def tags(self, query, headers):
        return json_route(
            [
                {
                    "name": "выборы",
                    "url": "https://social.example/tags/выборы",
                    "history": [{"day": "1764460800", "uses": "500", "accounts": "300"}],
                }
            ]
        )

    def tag_timeline(self, query, headers):
        reblog = status(3)
        return json_route(
            [
                status(1),
                status(2, card={"url": "https://news.example/a", "title": "Linked story"}),
                status(9, reblog=reblog),
            ]
        )

    def lookup(self, query, headers):
        self.lookups += 1
        if query.get("acct") == ["alice"]:
            return json_route({"id": "7", "acct": "alice"})
        return json_route({"error": "Record not found"}, status=404)

    def account_statuses(self, query, headers):
        assert query.get("exclude_replies") == ["true"]
        return json_route([status(4), status(5)])


def test_mastodon_spec_validation():
    assert kinds.mastodon_spec("social.example", "hashtag", "#выборы").url.endswith(
        "/api/v1/timelines/tag/%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B?limit=40"
    )
    spec = kinds.mastodon_spec("", "", "https://social.example/@alice")
    assert spec.listing == "account" and spec.url == "https://social.example/api/v1/accounts/lookup?acct=alice"
    for instance, mode, value in [
        ("social.example", "hashtag", "два слова"),
        ("social.example", "account", "a b"),
        ("social.example", "firehose", ""),
        ("", "trend_links", ""),
        ("ftp://social.example", "trend_links", ""),
    ]:
        with pytest.raises(InvalidInput):
            kinds.mastodon_spec(instance, mode, value)


def test_mastodon_trending_links_and_tags(workspace, editor, kind_urls):
    MastodonServer(kind_urls)
    links = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="trend_links")
    assert fetch(links).new == 1
    item = Item.objects.get(source=links)
    assert item.canonical_url == "https://news.example/2026/11/30/budget-vote"
    assert item.signals == {"uses": 150, "accounts": 100} and item.engagement > 0
    tags = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="trend_tags")
    assert fetch(tags).new == 1
    assert Item.objects.get(source=tags).title == "#выборы"


def test_mastodon_hashtag_and_account(workspace, editor, kind_urls):
    server = MastodonServer(kind_urls)
    tag = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="hashtag", target="выборы")
    report = fetch(tag)
    assert report.outcome == FetchOutcome.OK and report.new == 3
    first = Item.objects.get(guid="mastodon:https://social.example/users/alice/statuses/1001")
    assert first.author == "alice" and first.language == "ru" and "script" not in first.summary_html
    assert first.signals == {"reblogs": 10, "favourites": 100, "replies": 1}
    carded = Item.objects.get(guid__endswith="/1002")
    assert carded.title == "Linked story"
    assert Item.objects.filter(guid__endswith="/1003").exists()  # a reblog stores the original status
    account = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="account", target="@alice")
    assert fetch(account).new == 2 and account.options["account_id"] == "7"
    fetch(account)
    assert server.lookups == 1  # the account id is looked up once


def test_mastodon_unknown_account_and_rate_limit(workspace, editor, kind_urls):
    MastodonServer(kind_urls)
    ghost = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="account", target="ghost")
    assert fetch(ghost).outcome == FetchOutcome.ERROR and "404" in ghost.last_error
    kind_urls.routes["/api/v1/trends/links?limit=20"] = json_route(
        {"error": "Too many requests"}, 429, {"Retry-After": "600"}
    )
    limited = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="trend_links")
    assert fetch(limited).outcome == FetchOutcome.ERROR
    assert (limited.next_check_at - timezone.now()).total_seconds() >= 590


# --- Bluesky --------------------------------------------------------------------------------------


def post(n: int, text: str, **extra) -> dict:
    doc = {
        "uri": f"at://did:plc:abc{n}/app.bsky.feed.post/3k{n}",
        "cid": f"cid{n}",
        "author": {"did": f"did:plc:abc{n}", "handle": f"user{n}.bsky.social", "displayName": f"User {n}"},
        "record": {
            "$type": "app.bsky.feed.post",
            "text": text,
            "createdAt": "2026-11-30T09:00:00.000Z",
            "langs": ["ja"],
        },
        "replyCount": 2,
        "repostCount": 30,
        "likeCount": 400,
        "quoteCount": 1,
        "indexedAt": "2026-11-30T09:00:01.000Z",
    }
    doc.update(extra)
    return doc


class BlueskyServer:
    """The AppView's XRPC methods (query parameters checked as the real one does)."""

    def __init__(self, server):
        self.resolves = 0
        server.handle("/xrpc/app.bsky.feed.searchPosts", self.search)
        server.handle("/xrpc/app.bsky.feed.getAuthorFeed", self.author_feed)
        server.handle("/xrpc/app.bsky.feed.getFeed", self.feed)
        server.handle("/xrpc/com.atproto.identity.resolveHandle", self.resolve)

    @staticmethod
    def error(message: str, status: int = 400) -> Route:
        return json_route({"error": "InvalidRequest", "message": message}, status)

    def search(self, query, headers):
        if not query.get("q"):
            return self.error('Params must have the property "q"')
        posts = [post(1, "地震のニュース 速報"), post(2, "Nothing to see")]
        return json_route({"posts": [p for p in posts if query["q"][0] in p["record"]["text"]]})

    def author_feed(self, query, headers):
        if query.get("actor") != ["alice.bsky.social"]:
            return self.error("Profile not found")
        external = {
            "$type": "app.bsky.embed.external#view",
            "external": {
                "uri": "https://news.example/quake",
                "title": "Quake hits coast",
                "description": "",
                "thumb": "https://cdn.example/t.jpg",
            },
        }
        return json_route(
            {"feed": [{"post": post(3, "Read this 👇", embed=external)}, {"post": post(4, "second")}], "cursor": "x"}
        )

    def resolve(self, query, headers):
        self.resolves += 1
        return (
            json_route({"did": "did:plc:feedowner"})
            if query.get("handle") == ["news.example"]
            else self.error("Unable to resolve handle")
        )

    def feed(self, query, headers):
        if query.get("feed") != ["at://did:plc:feedowner/app.bsky.feed.generator/breaking"]:
            return self.error("could not resolve identity")
        return json_route({"feed": [{"post": post(5, "Breaking: 🇺🇦 news")}]})


def test_bluesky_spec_validation(settings):
    settings.SOURCES_BLUESKY_APPVIEW = "https://public.api.bsky.app"
    assert "searchPosts?q=%E5%9C%B0%E9%9C%87" in kinds.bluesky_spec("search", "地震").url
    assert "actor=alice.bsky.social" in kinds.bluesky_spec("author", "https://bsky.app/profile/alice.bsky.social").url
    feed = kinds.bluesky_spec("feed", "https://bsky.app/profile/news.example/feed/breaking")
    assert "at%3A%2F%2Fnews.example%2Fapp.bsky.feed.generator%2Fbreaking" in feed.url
    for mode, value in [
        ("search", ""),
        ("author", "not a handle"),
        ("feed", "https://bsky.app/profile/x"),
        ("likes", "x"),
    ]:
        with pytest.raises(InvalidInput):
            kinds.bluesky_spec(mode, value)


def test_bluesky_search_author_and_custom_feed(workspace, editor, kind_urls):
    server = BlueskyServer(kind_urls)
    search = add(editor, workspace, SourceKind.BLUESKY, mode="search", target="地震")
    assert fetch(search).new == 1
    item = Item.objects.get(source=search)
    assert item.url == "https://bsky.app/profile/user1.bsky.social/post/3k1" and item.language == "ja"
    assert item.signals == {"likes": 400, "reposts": 30, "replies": 2, "quotes": 1}
    author = add(editor, workspace, SourceKind.BLUESKY, mode="author", target="@alice.bsky.social")
    assert fetch(author).new == 2
    linked = Item.objects.get(guid="bsky:at://did:plc:abc3/app.bsky.feed.post/3k3")
    assert linked.title == "Quake hits coast" and linked.image_url == "https://cdn.example/t.jpg"
    feed = add(
        editor, workspace, SourceKind.BLUESKY, mode="feed", target="https://bsky.app/profile/news.example/feed/breaking"
    )
    assert fetch(feed).new == 1 and server.resolves == 1
    fetch(feed)
    assert server.resolves == 1  # the DID is kept


def test_bluesky_error_body_is_shown(workspace, editor, kind_urls):
    BlueskyServer(kind_urls)
    source = add(editor, workspace, SourceKind.BLUESKY, mode="author", target="nobody.bsky.social")
    assert fetch(source).outcome == FetchOutcome.ERROR and "400" in source.last_error
    kind_urls.routes["/xrpc/app.bsky.feed.searchPosts?q=x&limit=50&sort=latest"] = Route(
        body=b"{not json", headers={"Content-Type": "application/json"}
    )
    broken = add(editor, workspace, SourceKind.BLUESKY, mode="search", target="x")
    assert fetch(broken).outcome == FetchOutcome.ERROR and "Invalid JSON" in broken.last_error


# --- Google Trends --------------------------------------------------------------------------------

TRENDS_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:ht="https://trends.google.com/trending/rss" version="2.0">
<channel><title>Daily Search Trends</title><description>Recent searches</description>
<link>https://trends.google.com/trending/rss?geo=JP</link>
<item><title>大谷翔平</title><ht:approx_traffic>200,000+</ht:approx_traffic><description></description>
<link>https://trends.google.com/trending/rss?geo=JP</link><pubDate>Mon, 30 Nov 2026 10:40:00 -0800</pubDate>
<ht:picture>https://encrypted.example/pic.jpg</ht:picture>
<ht:news_item><ht:news_item_title>大谷が MVP</ht:news_item_title><ht:news_item_url>https://sports.example/ohtani</ht:news_item_url><ht:news_item_source>Sports</ht:news_item_source></ht:news_item>
<ht:news_item><ht:news_item_title>bad</ht:news_item_title><ht:news_item_url>javascript:alert(1)</ht:news_item_url></ht:news_item>
</item>
<item><title>weather tokyo</title><ht:approx_traffic>2K+</ht:approx_traffic><pubDate>Mon, 30 Nov 2026 09:00:00 -0800</pubDate></item>
</channel></rss>""".encode()


def test_google_trends_terms_are_signals(workspace, editor, kind_urls, django_capture_on_commit_callbacks):
    kind_urls.routes["/trending/rss?geo=JP"] = Route(body=TRENDS_RSS)
    source = add(editor, workspace, SourceKind.GOOGLE_TRENDS, target="jp")
    assert source.options == {"geo": "JP"}
    heard = []
    items_ingested.connect(receiver := lambda **kw: heard.append(kw["item_ids"]))
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert fetch(source).new == 2
    finally:
        items_ingested.disconnect(receiver)
    assert heard == []  # search terms are signals for trends, not stories
    term = Item.objects.get(title="大谷翔平")
    assert term.signals == {"traffic": 200000} and "sports.example/ohtani" in term.summary_html
    assert "javascript" not in term.summary_html
    terms = selectors.search_trend_terms(workspace=workspace)
    assert [t["term"] for t in terms] == ["大谷翔平", "weather tokyo"] and terms[0]["geo"] == "JP"
    with pytest.raises(InvalidInput):
        add(editor, workspace, SourceKind.GOOGLE_TRENDS, target="Japan")


# --- Lobsters and GitHub releases -----------------------------------------------------------------


def test_lobsters_hottest_json(workspace, editor, kind_urls):
    stories = [
        {
            "short_id": "abc123",
            "short_id_url": "https://lobste.rs/s/abc123",
            "created_at": "2026-11-30T08:00:00.000-06:00",
            "title": "Rust ♥ Zig: مقارنة",
            "url": "https://blog.example/rust-zig",
            "score": 42,
            "comment_count": 17,
            "description": "",
            "comments_url": "https://lobste.rs/s/abc123/rust_zig",
            "submitter_user": "pushcx",
            "tags": ["rust", "zig"],
        },
        {
            "short_id": "def456",
            "title": "Ask: text post",
            "url": "",
            "score": 3,
            "comment_count": 1,
            "comments_url": "https://lobste.rs/s/def456/ask",
            "submitter_user": {"username": "old-format"},
            "created_at": "2026-11-30T07:00:00.000-06:00",
        },
        "junk",
    ]
    kind_urls.routes["/hottest.json"] = json_route(stories)
    source = add(editor, workspace, SourceKind.LOBSTERS, target=kind_urls.base)
    assert source.url == kind_urls.url("/hottest.json")
    assert fetch(source).new == 2
    story = Item.objects.get(guid__endswith="abc123")
    assert story.score == 42 and story.comments == 17 and story.signals == {"score": 42, "comments": 17}
    assert story.published_at.hour == 14 and story.author == "pushcx"
    text_post = Item.objects.get(guid__endswith="def456")
    assert text_post.url == "https://lobste.rs/s/def456/ask" and text_post.author == "old-format"


GITHUB_ATOM = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en-US">
  <id>tag:github.com,2008:https://github.com/django/django/releases</id>
  <link type="text/html" rel="alternate" href="https://github.com/django/django/releases"/>
  <title>Release notes from django</title>
  <updated>2026-11-30T10:00:00Z</updated>
  <entry>
    <id>tag:github.com,2008:Repository/4164482/6.0</id>
    <updated>2026-11-30T10:00:00Z</updated>
    <link rel="alternate" type="text/html" href="https://github.com/django/django/releases/tag/6.0"/>
    <title>6.0</title>
    <content type="html">&lt;p&gt;Django 6.0 is out.&lt;/p&gt;</content>
    <author><name>nessita</name></author>
  </entry>
</feed>"""


def test_github_releases(workspace, editor, kind_urls):
    kind_urls.routes["/django/django/releases.atom"] = Route(
        body=GITHUB_ATOM, headers={"Content-Type": "application/atom+xml"}
    )
    source = add(editor, workspace, SourceKind.GITHUB_RELEASES, target="https://github.com/django/django/releases")
    assert fetch(source).new == 1
    release = Item.objects.get(source=source)
    assert release.title == "django/django 6.0" and release.author == "nessita" and "Django 6.0 is out." in release.text
    for bad in ("django", "https://github.com/", "a/b/c/d e", "../.."):
        with pytest.raises(InvalidInput):
            add(editor, workspace, SourceKind.GITHUB_RELEASES, target=bad)


# --- news sitemaps --------------------------------------------------------------------------------

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE urlset [<!ENTITY lol "lollollollollollollollollollol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
 <url>
  <loc>https://paper.example/2026/11/30/клімат-саміт</loc>
  <news:news>
   <news:publication><news:name>Paper Example</news:name><news:language>uk</news:language></news:publication>
   <news:publication_date>2026-11-30T08:30:00+02:00</news:publication_date>
   <news:title>Кліматичний саміт завершився угодою</news:title>
   <news:keywords>клімат, саміт</news:keywords>
  </news:news>
  <image:image><image:loc>https://paper.example/i/summit.jpg</image:loc></image:image>
 </url>
 <url><loc>https://paper.example/about</loc></url>
 <url>
  <loc>https://paper.example/2026/11/29/markets</loc>
  <news:news><news:publication><news:name>Paper Example</news:name><news:language>en</news:language></news:publication>
   <news:publication_date>2026-11-29</news:publication_date><news:title>Markets rally</news:title></news:news>
 </url>
</urlset>""".encode()


def test_news_sitemap_and_index(workspace, editor, kind_urls):
    kind_urls.routes["/news-1.xml"] = Route(body=SITEMAP, headers={"Content-Type": "application/xml"})
    index = f"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>{kind_urls.url("/news-0.xml")}</loc><lastmod>2026-11-01</lastmod></sitemap>
      <sitemap><loc>/news-1.xml</loc><lastmod>2026-11-30</lastmod></sitemap></sitemapindex>""".encode()
    kind_urls.routes["/sitemap-index.xml"] = Route(body=index, headers={"Content-Type": "application/xml"})
    source = add(editor, workspace, SourceKind.NEWS_SITEMAP, target=kind_urls.url("/sitemap-index.xml"))
    report = fetch(source)
    assert report.outcome == FetchOutcome.OK and report.new == 2  # /about has no <news:news>; news-0 is a 404
    summit = Item.objects.get(title="Кліматичний саміт завершився угодою")
    assert summit.language == "uk" and summit.image_url == "https://paper.example/i/summit.jpg"
    assert summit.published_at.hour == 6 and "lol" not in summit.text
    assert source.name == "127.0.0.1 (news sitemap)"  # named at add time; the feed does not rename it


def test_news_sitemap_rejects_other_xml(workspace, editor, kind_urls):
    kind_urls.routes["/x.xml"] = Route(body=b"<rss version='2.0'><channel/></rss>")
    source = add(editor, workspace, SourceKind.NEWS_SITEMAP, target=kind_urls.url("/x.xml"))
    assert fetch(source).outcome == FetchOutcome.ERROR and "sitemap" in source.last_error


# --- a watched web page ---------------------------------------------------------------------------

ARTICLE_TEXT = (
    "Городской совет утвердил новый бюджет в понедельник после долгих споров о транспорте, школах и "
    "ремонте старого моста через реку. Мэр заявил, что план сохраняет налоги на прежнем уровне. "
)


def article_page(title: str) -> bytes:
    return f"""<!doctype html><html lang="ru"><head><title>{title} | Paper</title>
    <meta property="og:title" content="{title}"><meta name="author" content="Иван Петров"></head>
    <body><nav><a href="/">Главная</a> <a href="/world">Мир</a></nav>
    <article><h1>{title}</h1><p>{ARTICLE_TEXT * 3}</p><p>Второй абзац статьи с <b>выделением</b>.</p>
    <script>steal()</script></article>
    <aside>Подпишитесь на рассылку!</aside><footer>© Paper 2026</footer></body></html>""".encode()


def list_page(links: list[tuple[str, str]]) -> bytes:
    anchors = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return f"""<!doctype html><html><body><header><a href="/">Home</a><a href="/about">About</a>
    <a href="https://other.example/2026/11/30/elsewhere-story-here">Elsewhere</a></header>
    <ul>{anchors}</ul><a href="/files/report-2026-annual.pdf">Annual report 2026 in full as a PDF</a></body></html>""".encode()


def test_web_page_watch_fetches_new_links_articles(workspace, editor, kind_urls):
    kind_urls.routes["/robots.txt"] = Route(
        body=b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"}
    )
    links = [("/2026/11/30/budget-approved", "Бюджет утверждён"), ("/news/second-story-here", "Second story")]
    kind_urls.routes["/latest"] = Route(body=list_page(links), headers={"Content-Type": "text/html"})
    for href, text in links:
        kind_urls.routes[href] = Route(body=article_page(text), headers={"Content-Type": "text/html; charset=utf-8"})
    source = add(editor, workspace, SourceKind.WEB_PAGE, target=kind_urls.url("/latest"))
    assert fetch(source).new == 2
    budget = Item.objects.get(url=kind_urls.url("/2026/11/30/budget-approved"))
    assert budget.title == "Бюджет утверждён" and "Второй абзац" in budget.text and "Подпишитесь" not in budget.text
    assert "steal" not in budget.content_html and budget.author == "Иван Петров"
    # a new link appears (and one is disallowed by robots.txt): only the new ones are fetched
    links.insert(0, ("/2026/12/01/third-story-today", "Third story today"))
    links.append(("/private/2026/12/01/secret-story-x", "Secret story from the private section"))
    kind_urls.routes["/latest"] = Route(body=list_page(links), headers={"Content-Type": "text/html"})
    kind_urls.routes["/2026/12/01/third-story-today"] = Route(
        body=article_page("Third story today"), headers={"Content-Type": "text/html"}
    )
    before = len(kind_urls.requests)
    assert fetch(source).new == 2
    fetched = [path for path, _h in kind_urls.requests[before:]]
    assert "/2026/11/30/budget-approved" not in fetched and "/private/2026/12/01/secret-story-x" not in fetched
    secret = Item.objects.get(url__endswith="secret-story-x")
    assert secret.title == "Secret story from the private section" and secret.text == ""


def test_web_page_without_links_fails_readably(workspace, editor, kind_urls):
    kind_urls.routes["/empty"] = Route(
        body=b"<html><body><a href='/'>Home</a></body></html>", headers={"Content-Type": "text/html"}
    )
    source = add(editor, workspace, SourceKind.WEB_PAGE, target=kind_urls.url("/empty"))
    assert fetch(source).outcome == FetchOutcome.ERROR and "No article links" in source.last_error


def test_kind_health_counts_per_kind(workspace, editor, kind_urls):
    MastodonServer(kind_urls)
    good = add(editor, workspace, SourceKind.MASTODON, instance=kind_urls.base, mode="trend_links")
    fetch(good)
    Source.objects.create(
        workspace=workspace, kind=SourceKind.BLUESKY, url="https://x.example/xrpc/a", status=SourceStatus.FAILING
    )
    health = {row["kind"]: row for row in selectors.source_kind_health(workspace=workspace)}
    assert health["mastodon"]["items_24h"] == 1 and health["mastodon"]["failing"] == 0
    assert health["bluesky"]["failing"] == 1 and health["bluesky"]["label"] == "Bluesky"


def test_other_workspace_and_writer_cannot_add(workspace, writer, kind_urls):
    from apps.core.errors import Forbidden

    with pytest.raises(Forbidden):
        add(writer, workspace, SourceKind.LOBSTERS, target=kind_urls.base)


def test_backfill_bodies_of_newer_kinds(workspace, editor, kind_urls):
    source = add(editor, workspace, SourceKind.YOUTUBE, target=CHANNEL)
    assert services.source_ingest_bytes(source=source, body=YOUTUBE_FEED).new == 2
    sitemap = add(editor, workspace, SourceKind.NEWS_SITEMAP, target="https://paper.example/news.xml")
    assert services.source_ingest_bytes(source=sitemap, body=SITEMAP).new == 2
    page = add(editor, workspace, SourceKind.WEB_PAGE, target="https://paper.example/latest")
    assert services.source_ingest_bytes(source=page, body=b"<html></html>").outcome == FetchOutcome.ERROR
