"""Full text: robots.txt (allow, disallow, 4xx, 5xx, Crawl-delay), the per-host rate, extraction
with trafilatura (boilerplate gone, scripts gone), storage beside the summary, and the pipeline from a
summary-only feed through the sources.fulltext task."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.sources import fulltext, services
from apps.sources.models import FulltextStatus, Item, Source

from .conftest import rss

pytestmark = pytest.mark.django_db

PARAGRAPH = (
    "Der Stadtrat hat am Montag nach langer Debatte einen neuen Haushalt beschlossen. Er sieht zwei neue "
    "Buslinien und vierzig zusätzliche Lehrkräfte vor, die Steuern bleiben unverändert. "
)


def page(title: str, body: str = PARAGRAPH * 4) -> bytes:
    return f"""<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{title} – Zeitung</title>
    <meta property="og:image" content="https://cdn.example/{title}.jpg"></head>
    <body><header><nav><a href="/">Start</a> · <a href="/politik">Politik</a> · <a href="/sport">Sport</a></nav></header>
    <main><article><h1>{title}</h1><p class="lead">{body}</p><p>Kritiker: „Die Brücke ist unterfinanziert.“ 🌉</p>
    <script>document.cookie</script><img src="x" onerror="alert(1)"></article></main>
    <aside><h3>Newsletter</h3><p>Jetzt abonnieren und nichts verpassen!</p></aside>
    <footer>Impressum · Datenschutz · © 2026</footer></body></html>""".encode()


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    settings.SOURCES_FULLTEXT_HOST_INTERVAL = 0.05
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site(feed_server, allow_private):
    feed_server.add("/robots.txt", b"User-agent: *\nDisallow: /private/\n", headers={"Content-Type": "text/plain"})
    return feed_server


def test_extraction_keeps_the_article_and_drops_boilerplate(site):
    site.add("/2026/haushalt", page("Haushalt beschlossen"), headers={"Content-Type": "text/html; charset=utf-8"})
    article = fulltext.fetch_article(site.url("/2026/haushalt"))
    assert article.status == FulltextStatus.DONE
    assert "vierzig zusätzliche Lehrkräfte" in article.text and "🌉" in article.text
    for boilerplate in ("Newsletter", "abonnieren", "Impressum", "Politik"):
        assert boilerplate not in article.text
    assert "<script" not in article.html and "onerror" not in article.html
    assert article.title == "Haushalt beschlossen" and article.image_url.endswith(".jpg")


def test_robots_disallow_and_user_agent(site):
    site.add("/private/leak", page("Geheim"))
    article = fulltext.fetch_article(site.url("/private/leak"))
    assert article.status == FulltextStatus.ROBOTS
    assert [p for p, _h in site.requests] == ["/robots.txt"]  # the page itself was never requested
    assert site.requests[0][1]["user-agent"].startswith("Trendoscope/")


def test_robots_agent_specific_rules_and_caching(feed_server, allow_private):
    feed_server.add(
        "/robots.txt",
        b"User-agent: Trendoscope\nDisallow: /\n\nUser-agent: *\nAllow: /\n",
        headers={"Content-Type": "text/plain"},
    )
    feed_server.add("/a", page("A"))
    assert fulltext.fetch_article(feed_server.url("/a")).status == FulltextStatus.ROBOTS
    assert fulltext.fetch_article(feed_server.url("/a")).status == FulltextStatus.ROBOTS
    assert [p for p, _h in feed_server.requests].count("/robots.txt") == 1


def test_robots_404_allows_and_500_denies(feed_server, allow_private):
    feed_server.add("/a", page("A"), headers={"Content-Type": "text/html"})
    assert fulltext.fetch_article(feed_server.url("/a")).status == FulltextStatus.DONE  # no robots.txt: 404
    cache.clear()
    feed_server.add("/robots.txt", b"oops", status=503)
    assert fulltext.fetch_article(feed_server.url("/a")).status == FulltextStatus.ROBOTS


def test_crawl_delay_and_host_rate(feed_server, allow_private, settings):
    feed_server.add("/robots.txt", b"User-agent: *\nCrawl-delay: 1\n", headers={"Content-Type": "text/plain"})
    for n in range(3):
        feed_server.add(f"/p{n}", page(f"P{n}"), headers={"Content-Type": "text/html"})
    started = time.monotonic()
    statuses = [fulltext.fetch_article(feed_server.url(f"/p{n}"), max_wait=3).status for n in range(3)]
    assert statuses == [FulltextStatus.DONE] * 3
    assert time.monotonic() - started >= 1.9  # three fetches, one slot a second
    # a slot that does not come up in time leaves the article pending (to be queued again)
    assert fulltext.host_slot("busy.example", interval=30, max_wait=0) is True
    assert fulltext.host_slot("busy.example", interval=30, max_wait=0) is False


def test_bad_pages(site):
    site.add("/err", b"", status=500)
    site.add("/pdf", b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    site.add("/empty", b"<html><body><nav><a href='/'>x</a></nav></body></html>", headers={"Content-Type": "text/html"})
    assert fulltext.fetch_article(site.url("/err")).status == FulltextStatus.FAILED
    pdf = fulltext.fetch_article(site.url("/pdf"))
    assert pdf.status == FulltextStatus.FAILED and "application/pdf" in pdf.error
    assert fulltext.fetch_article(site.url("/empty")).status == FulltextStatus.EMPTY
    garbage = fulltext.extract_article(b"\xff\xfe\x00<<<\x00" * 1000, url="https://e.com/")
    assert garbage.status in (FulltextStatus.EMPTY, FulltextStatus.FAILED)


def test_summary_only_feed_gets_full_text(workspace, editor, site, django_capture_on_commit_callbacks):
    site.add("/2026/haushalt", page("Haushalt beschlossen"), headers={"Content-Type": "text/html"})
    site.add("/private/x", page("Privat"), headers={"Content-Type": "text/html"})
    feed = rss(
        [
            {
                "title": "Haushalt beschlossen",
                "link": site.url("/2026/haushalt"),
                "guid": "h",
                "description": "Kurz: Haushalt.",
            },
            {"title": "Privat", "link": site.url("/private/x"), "guid": "p", "description": "Kurz: privat."},
        ]
    )
    source = Source.objects.create(
        workspace=workspace, url=site.add("/feed.xml", feed), next_check_at=timezone.now(), fulltext=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.source_fetch(source_id=source.pk)
    done = Item.objects.get(guid="h")
    assert done.fulltext_status == FulltextStatus.DONE and "vierzig zusätzliche Lehrkräfte" in done.text
    assert done.summary_html == "Kurz: Haushalt." and "Lehrkräfte" in done.fulltext_html
    blocked = Item.objects.get(guid="p")
    assert blocked.fulltext_status == FulltextStatus.ROBOTS and blocked.text == "Kurz: privat."
    # the feed changes the summary: the extracted text stays the item's text
    feed2 = feed.replace(b"Kurz: Haushalt.", b"Kurz: Haushalt (aktualisiert).")
    site.add("/feed.xml", feed2)
    services.source_fetch(source_id=source.pk)
    done.refresh_from_db()
    assert "aktualisiert" in done.summary_html and "Lehrkräfte" in done.text


def test_full_text_off_by_default(workspace, site):
    source = Source.objects.create(
        workspace=workspace,
        url=site.add("/feed.xml", rss([{"title": "T", "link": site.url("/a"), "guid": "a"}])),
        next_check_at=timezone.now(),
    )
    services.source_fetch(source_id=source.pk)
    assert Item.objects.get(guid="a").fulltext_status == ""
    assert [p for p, _h in site.requests] == ["/feed.xml"]
