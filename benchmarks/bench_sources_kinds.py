"""Ingestion per source kind, full-text cost per item, and main-text extraction quality.

One local HTTP server (its own process) speaks each kind's protocol with 50 items (RSS is the
baseline, same run); each kind's source is fetched, parsed, normalized and stored by source_fetch, 3
rounds on an emptied workspace, median taken. Full text: a summary-only feed whose 23 items point at
article pages built from the real articles of ../shared/data/feeds/miniflux/parser/large_atom.xml
(their content wrapped in a page with navigation, a sidebar, a newsletter box, comments and a
footer); the items' pages are fetched (robots.txt, host rate at 0 s) and extracted. Extraction
quality is word-level precision/recall/F1 of the extracted text against the feed's own full content,
beside the whole page's text as the no-extractor baseline.

Run: .venv/bin/python -m benchmarks.bench_sources_kinds"""

from __future__ import annotations

import html
import json
import multiprocessing as mp
import os
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchmarks._common import ROOT, django_setup, median, record

N = 50
ROUNDS = 3
FEED = ROOT.parent / "shared" / "data" / "feeds" / "miniflux" / "parser" / "large_atom.xml"
ROUTES: dict[str, tuple[str, bytes]] = {}


# --- bodies -----------------------------------------------------------------------------------


def _words(i: int) -> str:
    return f"Story {i} about the council budget vote, transport, schools and the bridge repair number {i}"


def _rss(base: str) -> bytes:
    items = "".join(
        f"<item><title>{_words(i)}</title><link>https://rss.example/{i}</link><guid>r{i}</guid>"
        f"<pubDate>Mon, 30 Nov 2026 {i % 24:02d}:00:00 GMT</pubDate><description>{_words(i)} in detail.</description></item>"
        for i in range(N)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>RSS</title>{items}</channel></rss>'.encode()


def _youtube(base: str) -> bytes:
    entries = "".join(
        f"<entry><id>yt:video:v{i}</id><yt:videoId>v{i:09d}</yt:videoId><title>{_words(i)}</title>"
        f'<link rel="alternate" href="https://www.youtube.com/watch?v=v{i:09d}"/><published>2026-11-30T10:00:00+00:00</published>'
        f'<media:group><media:description>{_words(i)}</media:description><media:thumbnail url="https://i.ytimg.com/{i}.jpg"/>'
        f'<media:community><media:starRating count="{i * 3}"/><media:statistics views="{i * 1000}"/></media:community></media:group></entry>'
        for i in range(N)
    )
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:yt="http://www.youtube.com/xml/schemas/2015" '
        f'xmlns:media="http://search.yahoo.com/mrss/"><title>YT</title>{entries}</feed>'
    ).encode()


def _mastodon(base: str) -> bytes:
    return json.dumps(
        [
            {
                "id": str(i),
                "uri": f"https://m.example/users/a/statuses/{i}",
                "url": f"https://m.example/@a/{i}",
                "created_at": "2026-11-30T10:00:00.000Z",
                "content": f"<p>{_words(i)} #news</p>",
                "account": {"acct": "a"},
                "reblogs_count": i,
                "favourites_count": i * 2,
                "replies_count": 1,
                "language": "en",
            }
            for i in range(N)
        ]
    ).encode()


def _bluesky(base: str) -> bytes:
    return json.dumps(
        {
            "posts": [
                {
                    "uri": f"at://did:plc:x/app.bsky.feed.post/{i}",
                    "author": {"handle": "x.bsky.social"},
                    "record": {"text": _words(i), "createdAt": "2026-11-30T10:00:00.000Z", "langs": ["en"]},
                    "likeCount": i,
                    "repostCount": i,
                    "replyCount": 0,
                }
                for i in range(N)
            ]
        }
    ).encode()


def _trends(base: str) -> bytes:
    items = "".join(
        f"<item><title>term {i}</title><ht:approx_traffic>{i}0,000+</ht:approx_traffic><pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate>"
        f"<ht:news_item><ht:news_item_title>{_words(i)}</ht:news_item_title><ht:news_item_url>https://n.example/{i}</ht:news_item_url></ht:news_item></item>"
        for i in range(N)
    )
    return f'<?xml version="1.0"?><rss xmlns:ht="https://trends.google.com/trending/rss" version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def _lobsters(base: str) -> bytes:
    return json.dumps(
        [
            {
                "short_id": f"s{i}",
                "title": _words(i),
                "url": f"https://l.example/{i}",
                "score": i,
                "comment_count": 2,
                "created_at": "2026-11-30T10:00:00.000-06:00",
                "submitter_user": "u",
                "tags": ["a"],
                "comments_url": f"https://lobste.rs/s/s{i}",
            }
            for i in range(N)
        ]
    ).encode()


def _github(base: str) -> bytes:
    entries = "".join(
        f"<entry><id>tag:github.com,2008:Repository/1/v{i}</id><updated>2026-11-30T10:00:00Z</updated>"
        f'<link rel="alternate" href="https://github.com/o/r/releases/tag/v{i}"/><title>v{i}.0</title>'
        f'<content type="html">&lt;p&gt;{_words(i)}&lt;/p&gt;</content></entry>'
        for i in range(N)
    )
    return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>R</title>{entries}</feed>'.encode()


def _sitemap(base: str) -> bytes:
    urls = "".join(
        f"<url><loc>https://s.example/{i}</loc><news:news><news:publication><news:name>S</news:name><news:language>en</news:language>"
        f"</news:publication><news:publication_date>2026-11-30T10:00:00Z</news:publication_date><news:title>{_words(i)}</news:title></news:news></url>"
        for i in range(N)
    )
    return (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>'
    ).encode()


def _reddit(base: str) -> bytes:
    children = [
        {
            "kind": "t3",
            "data": {
                "name": f"t3_{i}",
                "title": _words(i),
                "url": f"https://rd.example/{i}",
                "permalink": f"/r/x/{i}",
                "author": "u",
                "created_utc": 1764496800,
                "score": i * 10,
                "num_comments": i,
            },
        }
        for i in range(N)
    ]
    return json.dumps({"kind": "Listing", "data": {"children": children}}).encode()


def article_pages() -> list[tuple[str, str, str]]:
    """(title, full content HTML from the feed, a realistic page around it) for large_atom.xml's long entries."""
    import feedparser

    pages = []
    for entry in feedparser.parse(FEED.read_bytes()).entries:
        content = max((c.get("value") or "" for c in entry.get("content") or []), key=len, default="")
        if len(content) < 1500:
            continue
        title = html.escape(entry.get("title", ""))
        nav = " ".join(
            f'<a href="/section/{s}">{s.title()}</a>'
            for s in ("world", "politics", "business", "tech", "science", "sport", "culture", "opinion")
        )
        related = "".join(
            f'<li><a href="/related/{k}">Related headline number {k} you may also like</a></li>' for k in range(8)
        )
        comments = "".join(
            f'<div class="comment"><b>reader{k}</b><p>Great article, thanks for writing it! I disagree with point {k}.</p></div>'
            for k in range(3)
        )
        page = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title} | The Site</title></head><body>'
            f'<header><a href="/">The Site</a><nav>{nav}</nav><form><input name="q" placeholder="Search"></form></header>'
            f'<div class="breadcrumbs"><a href="/">Home</a> › <a href="/tech">Tech</a></div>'
            f'<main><article><h1>{title}</h1><p class="byline">By Staff Writer · 5 min read</p>{content}</article>'
            f'<section class="share">Share on Facebook · Share on X · Copy link</section>'
            f'<section id="comments"><h2>3 comments</h2>{comments}</section></main>'
            f'<aside><h3>Related</h3><ul>{related}</ul><div class="newsletter"><h3>Newsletter</h3><p>Sign up for our daily '
            f"newsletter and never miss a story. We respect your privacy.</p></div></aside>"
            f'<footer><a href="/about">About</a> · <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a> · © 2026 The Site. '
            f"All rights reserved.</footer><script>window.analytics=1</script></body></html>"
        )
        pages.append((entry.get("title", ""), content, page))
    return pages


def build_routes(base: str) -> None:
    bodies = {
        "/rss.xml": ("application/rss+xml", _rss(base)),
        "/yt.xml": ("application/atom+xml", _youtube(base)),
        "/api/v1/timelines/tag/news": ("application/json", _mastodon(base)),
        "/xrpc/app.bsky.feed.searchPosts": ("application/json", _bluesky(base)),
        "/trending/rss": ("application/rss+xml", _trends(base)),
        "/hottest.json": ("application/json", _lobsters(base)),
        "/o/r/releases.atom": ("application/atom+xml", _github(base)),
        "/news-sitemap.xml": ("application/xml", _sitemap(base)),
        "/r/x/hot.json": ("application/json", _reddit(base)),
        "/robots.txt": ("text/plain", b"User-agent: *\nAllow: /\n"),
        "/v0/topstories.json": ("application/json", json.dumps(list(range(1, 31))).encode()),
    }
    for i in range(1, 31):
        story = {
            "id": i,
            "type": "story",
            "title": _words(i),
            "url": f"https://hn.example/{i}",
            "by": "u",
            "time": 1764496800,
            "score": i * 5,
            "descendants": i,
        }
        bodies[f"/v0/item/{i}.json"] = ("application/json", json.dumps(story).encode())
    pages = article_pages()
    for k, (_title, _content, page) in enumerate(pages):
        bodies[f"/articles/{k}"] = ("text/html; charset=utf-8", page.encode())
    links = "".join(
        f'<li><a href="/articles/{k}">{html.escape(t) or "Article"} — read the whole story</a></li>'
        for k, (t, _c, _p) in enumerate(pages)
    )
    bodies["/latest"] = (
        "text/html",
        f"<html><body><nav><a href='/'>Home</a></nav><ul>{links}</ul></body></html>".encode(),
    )
    items = "".join(
        f"<item><title>{html.escape(t)}</title><link>{base}/articles/{k}</link><guid>ft{k}</guid><description>Summary {k}.</description></item>"
        for k, (t, _c, _p) in enumerate(pages)
    )
    bodies["/summaries.xml"] = (
        "application/rss+xml",
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>S</title>{items}</channel></rss>'.encode(),
    )
    ROUTES.update(bodies)


def serve(port: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            ctype, body = ROUTES.get(self.path.split("?", 1)[0], ("text/plain", b""))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


# --- quality ----------------------------------------------------------------------------------


def _tokens(text: str) -> Counter:
    return Counter(w for w in "".join(ch.lower() if ch.isalnum() else " " for ch in text).split())


def prf(extracted: str, reference: str) -> tuple[float, float, float]:
    got, want = _tokens(extracted), _tokens(reference)
    overlap = sum((got & want).values())
    precision = overlap / max(1, sum(got.values()))
    recall = overlap / max(1, sum(want.values()))
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def quality() -> tuple[list[str], dict]:
    from apps.sources.fulltext import extract_article
    from apps.sources.normalize import html_to_text, sanitize_html

    scores, naive, times = [], [], []
    for _title, content, page in article_pages():
        reference = html_to_text(sanitize_html(content))
        started = time.perf_counter()
        article = extract_article(page.encode(), url="https://site.example/a")
        times.append((time.perf_counter() - started) * 1000)
        scores.append(prf(article.text, reference))
        naive.append(prf(html_to_text(sanitize_html(page)), reference))
    mean = lambda rows, k: sum(r[k] for r in rows) / len(rows)  # noqa: E731
    figures = {
        "pages": len(scores),
        "precision": mean(scores, 0),
        "recall": mean(scores, 1),
        "f1": mean(scores, 2),
        "f1_min": min(s[2] for s in scores),
        "naive_precision": mean(naive, 0),
        "naive_f1": mean(naive, 2),
        "extract_ms": median(times),
    }
    return [], figures


# --- ingestion ----------------------------------------------------------------------------------


def kinds_table(workspace, base: str) -> list[tuple[str, int, float]]:
    from apps.sources import services
    from apps.sources.models import Item, Source, SourceKind

    specs = [
        ("RSS (baseline)", SourceKind.FEED, f"{base}/rss.xml", "", {}),
        ("YouTube", SourceKind.YOUTUBE, f"{base}/yt.xml?channel_id=x", "channel", {}),
        ("Mastodon hashtag", SourceKind.MASTODON, f"{base}/api/v1/timelines/tag/news?limit=40", "hashtag", {}),
        ("Bluesky search", SourceKind.BLUESKY, f"{base}/xrpc/app.bsky.feed.searchPosts?q=x", "search", {}),
        ("Google Trends", SourceKind.GOOGLE_TRENDS, f"{base}/trending/rss?geo=US", "", {"geo": "US"}),
        ("Lobsters JSON", SourceKind.LOBSTERS, f"{base}/hottest.json", "", {}),
        ("GitHub releases", SourceKind.GITHUB_RELEASES, f"{base}/o/r/releases.atom", "", {"repo": "o/r"}),
        ("News sitemap", SourceKind.NEWS_SITEMAP, f"{base}/news-sitemap.xml", "", {}),
        ("Reddit", SourceKind.REDDIT, f"{base}/r/x/hot.json", "hot", {}),
        ("Hacker News (30 item requests)", SourceKind.HACKER_NEWS, f"{base}/v0/topstories.json", "top", {}),
        ("Watched web page (articles fetched)", SourceKind.WEB_PAGE, f"{base}/latest", "", {}),
    ]
    rows = []
    for label, kind, url, listing, options in specs:
        source, _ = Source.objects.get_or_create(
            workspace=workspace, url=url, listing=listing, defaults={"kind": kind, "options": options, "name": label}
        )
        times, new = [], 0
        for _round in range(ROUNDS):
            Item.objects.filter(workspace=workspace).delete()
            Source.objects.filter(pk=source.pk).update(etag="", last_modified="", body_hash="")
            started = time.perf_counter()
            report = services.source_fetch(source_id=source.pk)
            times.append(time.perf_counter() - started)
            new = report.new
        rows.append((label, new, median(times)))
    return rows


def fulltext_cost(workspace, base: str) -> dict:
    from apps.sources import services
    from apps.sources.models import FulltextStatus, Item, Source

    source, _ = Source.objects.get_or_create(
        workspace=workspace, url=f"{base}/summaries.xml", listing="", defaults={"fulltext": True}
    )
    per_item = []
    done = 0
    for _round in range(ROUNDS):
        Item.objects.filter(workspace=workspace).delete()
        # fetched with full text off, then marked pending: no task is queued on the benchmark's broker
        Source.objects.filter(pk=source.pk).update(etag="", last_modified="", body_hash="", fulltext=False)
        services.source_fetch(source_id=source.pk)
        Item.objects.filter(source=source).update(fulltext_status=FulltextStatus.PENDING)
        ids = list(Item.objects.filter(source=source).values_list("id", flat=True))
        started = time.perf_counter()
        counts = services.items_fetch_fulltext(item_ids=ids, max_wait=0)
        per_item.append((time.perf_counter() - started) * 1000 / max(1, len(ids)))
        done = counts.get(FulltextStatus.DONE, 0)
    return {"items": done, "ms_per_item": median(per_item)}


def main() -> None:
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
    os.environ["SOURCES_FULLTEXT_HOST_INTERVAL"] = "0"
    django_setup(database="trendoscope_bench_sources_kinds")
    from django.core.cache import cache

    from apps.accounts.models import Workspace
    from apps.sources.signals import items_ingested

    items_ingested.receivers = []  # the sources pipeline alone (not the clustering behind it)
    items_ingested.sender_receivers_cache.clear()
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    build_routes(base)
    server = mp.get_context("fork").Process(target=serve, args=(port,), daemon=True)
    server.start()
    time.sleep(0.5)
    cache.clear()
    try:
        workspace, _ = Workspace.objects.get_or_create(slug="bench-sources-kinds", defaults={"name": "Bench kinds"})
        rows = kinds_table(workspace, base)
        cost = fulltext_cost(workspace, base)
        _unused, q = quality()
    finally:
        server.terminate()
    baseline = rows[0][1] / rows[0][2]
    table = ["| kind | items | median s per fetch | items/s | vs RSS |", "| --- | ---: | ---: | ---: | ---: |"]
    for label, new, seconds in rows:
        rate = new / seconds if seconds else 0.0
        table.append(f"| {label} | {new} | {seconds:.3f} | {rate:,.0f} | x{rate / baseline:.2f} |")
    body = "\n".join(table) + (
        f"\n\nFull text (summary-only feed, {cost['items']} articles fetched through the guarded client, robots.txt "
        f"checked, host interval 0 s): **{cost['ms_per_item']:.0f} ms per item** (fetch + trafilatura extraction + store).\n\n"
        f"Extraction quality on {q['pages']} real articles (large_atom.xml's full content in a page with navigation, sidebar, "
        f"newsletter, comments, footer), word-level against the feed's own content: **precision {q['precision']:.3f}, "
        f"recall {q['recall']:.3f}, F1 {q['f1']:.3f}** (worst page F1 {q['f1_min']:.3f}); the whole page's text "
        f"(no extractor, the baseline) has precision {q['naive_precision']:.3f}, F1 {q['naive_f1']:.3f}. "
        f"Median extraction {q['extract_ms']:.1f} ms per page.\n\n"
        "Wall time per first fetch of 50 new items (fetch, parse, normalize, rules, store, near-duplicate "
        "index), one fetch at a time, median of 3. On a shared 2-core machine the rates move by up to 2x "
        "between runs; compare kinds within one run (the RSS column)."
    )
    print(body)
    record("sources_kinds", "python -m benchmarks.bench_sources_kinds", body)


if __name__ == "__main__":
    main()
