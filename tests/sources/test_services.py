"""The ingest pipeline: fetch, parse, store in batches, link near-duplicates, schedule, claim."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from apps.core.errors import Conflict, Forbidden
from apps.sources import services
from apps.sources.models import FetchAttempt, FetchOutcome, Item, Source, SourceKind, SourceStatus
from apps.sources.signals import items_ingested

from .conftest import rss

pytestmark = pytest.mark.django_db

ARTICLE = (
    "The city council approved a new budget on Monday after a long debate about public transport, "
    "schools and the repair of the old bridge over the river. The mayor said the plan keeps taxes flat "
    "while adding two new bus lines and forty teachers. Critics argued that the bridge repair was "
    "underfunded and that the council should have waited for the engineering report due next month."
)


def make_source(workspace, url, **kwargs) -> Source:
    return Source.objects.create(workspace=workspace, url=url, next_check_at=timezone.now(), **kwargs)


def test_fetch_stores_items_and_records_attempt(
    workspace, feed_server, allow_private, django_capture_on_commit_callbacks
):
    body = rss(
        [
            {
                "title": "First",
                "link": "https://news.example.com/1?utm_source=rss",
                "guid": "g1",
                "description": "<p>Good news <script>x()</script></p>",
                "pubDate": "Mon, 06 May 2024 10:00:00 +0200",
            },
            {"title": "Second", "link": "https://news.example.com/2", "guid": "g2", "description": ARTICLE},
        ],
        title="Example News",
        ttl=120,
    )
    source = make_source(workspace, feed_server.add("/feed.xml", body, etag='"a"'))
    received = []

    def receiver(sender, workspace_id, item_ids, **kwargs):
        received.append((sender, workspace_id, sorted(item_ids)))

    items_ingested.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = services.source_fetch(source_id=source.pk)
    finally:
        items_ingested.disconnect(receiver)
    assert report.outcome == FetchOutcome.OK and report.new == 2 and report.found == 2
    items = {i.guid: i for i in Item.objects.filter(source=source)}
    assert items["g1"].canonical_url == "https://news.example.com/1"
    assert "script" not in items["g1"].summary_html and items["g1"].text == "Good news"
    assert items["g1"].published_at.hour == 8 and items["g2"].language == "en"
    assert received == [(Source, workspace.pk, sorted(i.pk for i in items.values()))]
    source.refresh_from_db()
    assert source.name == "Example News" and source.etag == '"a"' and source.item_count == 2
    assert source.claimed_until is None and source.interval_seconds >= 120 * 60
    assert source.next_check_at > timezone.now()
    attempt = FetchAttempt.objects.get(source=source)
    assert attempt.items_new == 2 and attempt.http_status == 200 and attempt.bytes_received == len(body)

    # Second pass: 304, nothing parsed, nothing stored.
    report = services.source_fetch(source_id=source.pk)
    assert report.outcome == FetchOutcome.NOT_MODIFIED and report.new == 0
    assert feed_server.requests[-1][1]["if-none-match"] == '"a"'
    assert Item.objects.filter(source=source).count() == 2


def test_unchanged_body_skips_parsing_and_changed_items_update(workspace, feed_server, allow_private):
    items = [{"title": "One", "link": "https://e.com/1", "guid": "1", "description": "first version"}]
    url = feed_server.add("/f", rss(items))
    source = make_source(workspace, url)
    services.source_fetch(source_id=source.pk)
    assert services.source_fetch(source_id=source.pk).outcome == FetchOutcome.UNCHANGED
    items[0]["description"] = "second version with more words"
    items.append({"title": "Two", "link": "https://e.com/2", "guid": "2"})
    feed_server.add("/f", rss(items))
    report = services.source_fetch(source_id=source.pk)
    assert (report.new, report.updated) == (1, 1)
    assert Item.objects.get(guid="1").text == "second version with more words"
    assert Item.objects.filter(source=source).count() == 2


def test_same_url_from_two_sources_is_stored_once(workspace, feed_server, allow_private):
    a = make_source(workspace, feed_server.add("/a", rss([{"title": "X", "link": "https://e.com/story?utm_medium=a"}])))
    b = make_source(workspace, feed_server.add("/b", rss([{"title": "X!", "link": "https://www.e.com/story/"}])))
    services.source_fetch(source_id=a.pk)
    report = services.source_fetch(source_id=b.pk)
    assert report.new == 0 and report.duplicates == 1
    assert Item.objects.filter(workspace=workspace).count() == 1


def test_near_duplicates_link_to_the_first_item(workspace, feed_server, allow_private):
    edited = ARTICLE.replace("Monday", "Tuesday").replace("forty", "41")
    a = make_source(
        workspace,
        feed_server.add(
            "/a", rss([{"title": "Council passes budget", "link": "https://a.com/1", "description": ARTICLE}])
        ),
    )
    b = make_source(
        workspace,
        feed_server.add(
            "/b",
            rss(
                [
                    {"title": "Council passes the budget", "link": "https://b.com/x", "description": edited},
                    {
                        "title": "Unrelated",
                        "link": "https://b.com/y",
                        "description": "A cat show opened in Paris with 300 cats.",
                    },
                ]
            ),
        ),
    )
    services.source_fetch(source_id=a.pk)
    report = services.source_fetch(source_id=b.pk)
    assert report.new == 2 and report.duplicates == 1
    first = Item.objects.get(canonical_url="https://a.com/1")
    dup = Item.objects.get(canonical_url="https://b.com/x")
    assert dup.duplicate_of_id == first.pk
    assert Item.objects.get(canonical_url="https://b.com/y").duplicate_of_id is None


def test_broken_feed_is_a_failed_attempt_with_message(workspace, feed_server, allow_private):
    source = make_source(
        workspace,
        feed_server.add("/bad", b"<html><body>not a feed</body></html>", headers={"Content-Type": "text/html"}),
    )
    for _ in range(3):
        report = services.source_fetch(source_id=source.pk)
    assert report.outcome == FetchOutcome.ERROR and "not a feed" in report.error
    source.refresh_from_db()
    assert source.status == SourceStatus.FAILING and source.consecutive_failures == 3
    assert "not a feed" in source.last_error and source.next_check_at > timezone.now()
    assert FetchAttempt.objects.filter(source=source, outcome=FetchOutcome.ERROR).count() == 3
    # Recovery clears the failing state.
    feed_server.add("/bad", rss([{"title": "Back", "link": "https://e.com/back"}]))
    services.source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.status == SourceStatus.ACTIVE and source.consecutive_failures == 0 and source.last_error == ""


def test_retry_after_is_honoured(workspace, feed_server, allow_private):
    source = make_source(workspace, feed_server.add("/busy", b"", status=503, headers={"Retry-After": "3600"}))
    services.source_fetch(source_id=source.pk)
    source.refresh_from_db()
    assert source.next_check_at >= timezone.now() + timedelta(seconds=3500)


def test_ssrf_refusal_is_recorded(workspace, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    source = make_source(workspace, "http://169.254.169.254/latest/meta-data/")
    report = services.source_fetch(source_id=source.pk)
    assert report.outcome == FetchOutcome.ERROR and "private" in report.error


def test_backoff_grows_and_is_capped():
    values = [services.backoff_seconds(failures=n) for n in range(1, 20)]
    assert values[0] <= 120 and values[5] > values[0]
    assert max(values) <= 6 * 3600
    assert services.backoff_seconds(failures=1, retry_after=9000) >= 9000


def test_adaptive_interval(workspace):
    source = Source(workspace=workspace, url="https://e.com/", min_interval_seconds=300, interval_seconds=1800)
    now = timezone.now()
    hourly = [now - timedelta(hours=i) for i in range(10)]
    assert services.next_interval(source=source, published=hourly, new_items=1, now=now) == 1800
    busy = [now - timedelta(minutes=2 * i) for i in range(10)]
    assert services.next_interval(source=source, published=busy, new_items=3, now=now) == 300
    assert services.next_interval(source=source, published=hourly, new_items=1, ttl_seconds=7200, now=now) == 7200
    headers = {"cache-control": "public, max-age=10800"}
    assert services.next_interval(source=source, published=hourly, new_items=1, headers=headers, now=now) == 10800
    quiet = [now - timedelta(days=30 + i) for i in range(5)]
    assert services.next_interval(source=source, published=quiet, new_items=0, now=now) == services.MAX_INTERVAL
    expires = {"expires": (now + timedelta(hours=5)).strftime("%a, %d %b %Y %H:%M:%S GMT")}
    assert services.next_interval(source=source, published=hourly, new_items=1, headers=expires, now=now) > 4 * 3600


def test_claim_due_respects_status_schedule_and_per_host_limit(workspace, settings):
    settings.SOURCES_PER_HOST_CONCURRENCY = 2
    now = timezone.now()
    due = [make_source(workspace, f"https://same.example.com/{i}") for i in range(4)]
    other = make_source(workspace, "https://other.example.com/feed")
    make_source(workspace, "https://paused.example.com/", status=SourceStatus.PAUSED)
    Source.objects.create(workspace=workspace, url="https://later.example.com/", next_check_at=now + timedelta(hours=1))
    claimed = services.sources_claim_due(limit=10)
    assert set(claimed) == {due[0].pk, due[1].pk, other.pk}
    # Claimed rows are not handed out twice while the lease holds.
    assert services.sources_claim_due(limit=10) == []
    # After the lease expires they are claimable again (a crashed worker's sources come back).
    later = now + services.CLAIM_LEASE + timedelta(seconds=1)
    Source.objects.filter(pk__in=claimed).update(next_check_at=now)
    assert len(services.sources_claim_due(limit=10, now=later)) == 3


def test_tick_task_fetches_claimed_sources(workspace, feed_server, allow_private):
    from apps.sources.tasks import sources_tick

    source = make_source(workspace, feed_server.add("/t", rss([{"title": "T", "link": "https://e.com/t"}])))
    assert sources_tick() == 1  # eager Celery in tests: the fetch runs inline
    assert Item.objects.filter(source=source).count() == 1


def test_hacker_news(workspace, feed_server, allow_private):
    feed_server.add("/v0/topstories.json", json.dumps([1, 2, 3]).encode(), headers={"Content-Type": "application/json"})
    feed_server.add(
        "/v0/item/1.json",
        json.dumps(
            {
                "id": 1,
                "type": "story",
                "title": "Rust 2.0 released",
                "url": "https://rust.example.org/2",
                "by": "a",
                "time": 1700000000,
                "score": 120,
                "descendants": 40,
            }
        ).encode(),
    )
    feed_server.add(
        "/v0/item/2.json",
        json.dumps(
            {"id": 2, "type": "story", "title": "Ask HN: tools?", "text": "<p>What do you use?</p>", "time": 1700000100}
        ).encode(),
    )
    feed_server.add("/v0/item/3.json", json.dumps({"id": 3, "type": "comment"}).encode())
    source = make_source(workspace, feed_server.url("/v0/topstories.json"), kind=SourceKind.HACKER_NEWS, listing="top")
    report = services.source_fetch(source_id=source.pk)
    assert report.new == 2
    rust = Item.objects.get(guid="hn:1")
    assert rust.score == 120 and rust.comments == 40 and rust.canonical_url == "https://rust.example.org/2"
    assert Item.objects.get(guid="hn:2").url == "https://news.ycombinator.com/item?id=2"


def test_reddit_source(workspace, feed_server, allow_private):
    doc = {
        "kind": "Listing",
        "data": {
            "children": [
                {
                    "kind": "t3",
                    "data": {
                        "name": "t3_x",
                        "title": "Hello",
                        "url": "https://e.com/r",
                        "permalink": "/r/t/comments/x/",
                        "created_utc": 1700000000.0,
                        "score": 5,
                        "num_comments": 1,
                        "subreddit": "t",
                    },
                }
            ]
        },
    }
    url = feed_server.add("/r/t/hot.json", json.dumps(doc).encode(), headers={"Content-Type": "application/json"})
    source = make_source(workspace, url, kind=SourceKind.REDDIT, listing="hot")
    assert services.source_fetch(source_id=source.pk).new == 1


def test_source_spec_from_url():
    hn = services.source_spec_from_url("https://news.ycombinator.com/newest")
    assert hn.kind == SourceKind.HACKER_NEWS and hn.url.endswith("/v0/newstories.json")
    reddit = services.source_spec_from_url("https://www.reddit.com/r/python/new/")
    assert reddit.kind == SourceKind.REDDIT and reddit.url.startswith("https://www.reddit.com/r/python/new.json")
    assert services.source_spec_from_url("https://example.com/feed") is None


def test_add_by_url_discovers_feeds(workspace, editor, feed_server, allow_private, django_capture_on_commit_callbacks):
    feed_server.add("/feed.xml", rss([{"title": "Found", "link": "https://e.com/found"}], title="Blog"))
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="{feed_server.url("/feed.xml")}"></head></html>'
    feed_server.add("/", page.encode(), headers={"Content-Type": "text/html"})
    with django_capture_on_commit_callbacks(execute=True):
        result = services.source_add_by_url(user=editor, workspace=workspace, url=feed_server.url("/"))
    result.source.refresh_from_db()
    assert result.source.url == feed_server.url("/feed.xml") and result.source.name == "Blog"
    assert Item.objects.filter(source=result.source).count() == 1  # fetched right after commit
    with pytest.raises(Conflict):
        services.source_add_by_url(user=editor, workspace=workspace, url=feed_server.url("/feed.xml"))


def test_add_by_url_offers_a_choice_when_several(workspace, editor, feed_server, allow_private):
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/a.xml"><link rel="alternate" type="application/atom+xml" href="/b.xml"></head></html>'
    feed_server.add("/", page, headers={"Content-Type": "text/html"})
    result = services.source_add_by_url(user=editor, workspace=workspace, url=feed_server.url("/"))
    assert result.source is None and [c["url"] for c in result.candidates] == [
        feed_server.url("/a.xml"),
        feed_server.url("/b.xml"),
    ]


def test_writers_cannot_manage_sources(workspace, writer):
    with pytest.raises(Forbidden):
        services.source_create(user=writer, workspace=workspace, url="https://e.com/feed")


def test_pause_resume_and_fetch_now(workspace, editor, feed_server, allow_private, django_capture_on_commit_callbacks):
    source = make_source(workspace, feed_server.add("/p", rss([{"title": "P", "link": "https://e.com/p"}])))
    services.source_pause(user=editor, source=source)
    assert services.sources_claim_due(limit=5) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.source_fetch_now(user=editor, source=source)
    assert Item.objects.filter(source=source).count() == 1
    source.refresh_from_db()
    assert source.status == SourceStatus.PAUSED and source.claimed_until is None
    services.source_resume(user=editor, source=source)
    source.refresh_from_db()
    assert source.status == SourceStatus.ACTIVE and source.next_check_at <= timezone.now()


def test_fetch_now_refuses_a_claimed_source(workspace, editor):
    source = make_source(workspace, "https://e.com/feed", claimed_until=timezone.now() + timedelta(minutes=5))
    with pytest.raises(Conflict):
        services.source_fetch_now(user=editor, source=source)


def test_opml_import(workspace, editor):
    opml = b"""<opml version="2.0"><body><outline text="A" xmlUrl="https://a.example.com/rss"/>
      <outline text="A again" xmlUrl="https://a.example.com/rss"/><outline text="bad" xmlUrl="ftp://x"/></body></opml>"""
    created, skipped = services.opml_import(user=editor, workspace=workspace, data=opml)
    assert [s.url for s in created] == ["https://a.example.com/rss"] and len(skipped) == 2


def test_ingest_bytes_from_file(workspace):
    path = Path(__file__).resolve().parents[2].parent / "shared/data/feeds/miniflux/parser/large_rss.xml"
    if not path.exists():
        pytest.skip("shared feed corpus not present")
    source, body = services.source_for_ingest_command(workspace=workspace, target=str(path))
    report = services.source_ingest_bytes(source=source, body=body)
    assert report.new == 25 and source.status == SourceStatus.PAUSED
    assert services.source_ingest_bytes(source=source, body=body).new == 0


def test_ingest_command(workspace, feed_server, allow_private, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    url = feed_server.add("/cmd", rss([{"title": "Cmd", "link": "https://e.com/cmd"}]))
    out = StringIO()
    call_command("ingest", url, "--workspace", workspace.slug, stdout=out)
    assert "1 new" in out.getvalue() and "outcome: ok" in out.getvalue()
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes(rss([{"title": "From file", "link": "https://e.com/file"}]))
    out = StringIO()
    call_command("ingest", str(feed_file), "--workspace", workspace.slug, stdout=out)
    assert "1 new" in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<html>nope</html>")
    with pytest.raises(CommandError):
        call_command("ingest", str(bad), "--workspace", workspace.slug, stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("ingest", url, "--workspace", "nope", stdout=StringIO())


def test_demo_seed_is_idempotent_and_offline(workspace, members, settings):
    from apps.sources import demo

    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    demo.seed(workspace=workspace, users=members)
    demo.seed(workspace=workspace, users=members)
    assert Source.objects.filter(workspace=workspace).count() == len(demo.PUBLIC_SOURCES) + len(demo.BUNDLED)
    assert not Source.objects.filter(workspace=workspace).exclude(status=SourceStatus.PAUSED).exists()
    items = Item.objects.filter(workspace=workspace)
    assert items.count() >= 15
    assert items.filter(duplicate_of__isnull=False).count() >= 2  # re-posted stories are linked
    assert items.filter(language="ru").exists()
    assert items.order_by("-published_at").first().published_at > timezone.now() - timedelta(hours=2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_claim_skips_rows_another_worker_has_locked(workspace):
    """While one worker's claim transaction holds rows, a second tick skips them instead of waiting."""
    import threading

    from django.db import connection, transaction

    ids = [make_source(workspace, f"https://host{i}.example.com/feed").pk for i in range(6)]
    locked = threading.Event()
    release = threading.Event()

    def first_worker():
        try:
            with transaction.atomic():
                list(Source.objects.select_for_update().filter(pk__in=ids[:4]))
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_worker)
    thread.start()
    try:
        assert locked.wait(10)
        claimed = services.sources_claim_due(limit=10)
    finally:
        release.set()
        thread.join()
    assert sorted(claimed) == sorted(ids[4:])
    assert sorted(services.sources_claim_due(limit=10)) == sorted(ids[:4])


def test_permanent_redirect_moves_the_source(workspace, feed_server, allow_private):
    feed_server.add("/old", status=301, headers={"Location": "/new"})
    feed_server.add("/new", rss([{"title": "Moved", "link": "https://e.com/moved"}]))
    feed_server.add("/temp", status=302, headers={"Location": "/new"})
    moved = make_source(workspace, feed_server.url("/old"))
    services.source_fetch(source_id=moved.pk)
    moved.refresh_from_db()
    assert moved.url == feed_server.url("/new")
    temporary = make_source(workspace, feed_server.url("/temp"))
    services.source_fetch(source_id=temporary.pk)
    temporary.refresh_from_db()
    assert temporary.url == feed_server.url("/temp")
