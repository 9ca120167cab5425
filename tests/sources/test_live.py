"""The source pages' websocket (/ws/sources/): members hear their workspace's source changes (a fetch
finished or failed, paused, resumed), nobody else does; and the pages' counts say what a source holds,
duplicates included and explained. With REDIS_URL set the channel layer is the real Redis one.

The async bodies run on their own event loop in a worker thread, so these tests also pass in a process
where Playwright's sync API already holds the main thread's loop."""

from __future__ import annotations

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from apps.sources import services
from apps.sources.models import Source, SourceStatus
from tests.sockets import communicator, run_in_thread, session_cookie

from .conftest import rss

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = [
    {"title": "«Ёлки» и “quotes” — выпуск № 1", "link": "https://news.example.org/a/1", "guid": "a1"},
    {"title": "Ελληνικά 📰 中文 عربى", "link": "https://news.example.org/a/2", "guid": "a2"},
]


def atom(entries: list[dict]) -> bytes:
    """The same entries as an Atom feed (another source publishing the RSS feed's copy)."""
    from xml.sax.saxutils import escape

    body = "".join(
        f'<entry><id>atom-{e["guid"]}</id><title>{escape(e["title"])}</title><link href="{escape(e["link"])}"/>'
        "<updated>2026-03-01T10:00:00Z</updated></entry>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Copy</title>'
        f"<id>urn:copy</id><updated>2026-03-01T10:00:00Z</updated>{body}</feed>"
    ).encode()


@pytest.fixture
def feed(workspace):
    return Source.objects.create(workspace=workspace, url="https://news.example.org/rss", name="Вести (RSS)")


def test_a_member_hears_a_fetch_and_a_pause(writer, editor, workspace, feed):
    cookie = session_cookie(writer)

    async def scenario():
        ws = communicator(cookie, f"/ws/sources/?workspace={workspace.pk}")
        connected, _ = await ws.connect(timeout=5)
        assert connected
        assert (await ws.receive_json_from(timeout=5)) == {"type": "hello", "workspace": workspace.pk}
        await sync_to_async(services.source_ingest_bytes)(source=feed, body=rss(ENTRIES))
        fetched = await ws.receive_json_from(timeout=5)
        await sync_to_async(services.source_pause)(user=editor, source=feed)
        paused = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return fetched, paused

    fetched, paused = run_in_thread(scenario)
    assert fetched["type"] == "sources.changed" and fetched["source"] == feed.pk
    assert (fetched["change"], fetched["status"], fetched["new"], fetched["skipped"]) == ("fetched", "active", 2, 0)
    assert (paused["change"], paused["status"]) == ("paused", SourceStatus.PAUSED)


def test_a_failed_fetch_is_heard_too(writer, workspace, feed):
    cookie = session_cookie(writer)

    async def scenario():
        ws = communicator(cookie, f"/ws/sources/?workspace={workspace.pk}")
        await ws.connect(timeout=5)
        await ws.receive_json_from(timeout=5)
        await sync_to_async(services.source_ingest_bytes)(source=feed, body=b"<html>not a feed</html>")
        event = await ws.receive_json_from(timeout=5)
        await ws.disconnect()
        return event

    event = run_in_thread(scenario)
    assert (event["change"], event["source"]) == ("failed", feed.pk)


def test_members_of_another_workspace_hear_nothing_and_cannot_join(outsider, workspace, other_workspace, feed):
    cookie = session_cookie(outsider)

    async def scenario():
        refused = await communicator(cookie, f"/ws/sources/?workspace={workspace.pk}").connect(timeout=5)
        own = communicator(cookie, f"/ws/sources/?workspace={other_workspace.pk}")
        await own.connect(timeout=5)
        await own.receive_json_from(timeout=5)
        await sync_to_async(services.source_ingest_bytes)(source=feed, body=rss(ENTRIES))
        silent = await own.receive_nothing(timeout=1.5)
        await own.disconnect()
        return refused, silent

    (connected, code), silent = run_in_thread(scenario)
    assert not connected and code == 4404
    assert silent


def test_anonymous_is_refused(workspace):
    async def scenario():
        return await communicator(None, f"/ws/sources/?workspace={workspace.pk}").connect(timeout=5)

    connected, code = run_in_thread(scenario)
    assert not connected and code == 4403


def test_an_atom_copy_of_an_rss_feed_says_its_entries_were_already_stored(client_for, writer, workspace, feed):
    copy = Source.objects.create(workspace=workspace, url="https://news.example.org/atom", name="Вести (Atom)")
    services.source_ingest_bytes(source=feed, body=rss(ENTRIES))
    report = services.source_ingest_bytes(source=copy, body=atom(ENTRIES))
    assert (report.found, report.new, report.skipped) == (2, 0, 2)
    client = client_for(writer)
    page = client.get(f"/app/sources/{copy.pk}/").content.decode()
    assert 'id="source-item-count">0<' in page
    assert "all 2 entries of its last fetch were already stored from another source" in page
    listing = client.get("/app/sources/").content.decode()
    assert "+2 already stored from another source" in listing
    original = client.get(f"/app/sources/{feed.pk}/").content.decode()
    assert 'id="source-item-count">2<' in original and "already stored" not in original


def test_counts_match_the_list_near_duplicates_included_dropped_apart(client_for, writer, editor, workspace, feed):
    services.rule_create(user=editor, workspace=workspace, action="drop", field="keywords", pattern="Ελληνικά", name="")
    services.source_ingest_bytes(
        source=feed, body=rss([*ENTRIES, {**ENTRIES[0], "link": "https://x.example/1", "guid": "a3"}])
    )
    client = client_for(writer)
    page = client.get(f"/app/sources/{feed.pk}/").content.decode()
    listed = client.get(f"/app/sources/items/?source={feed.pk}&duplicates=on").content.decode()
    assert 'id="source-item-count">2<' in page and listed.count('class="item-row') == 2
    assert "1 of them nearly repeats an earlier item" in page
    assert "1 more item was dropped by a rule" in page


def test_the_partial_is_the_live_part_only(client_for, writer, feed):
    client = client_for(writer)
    partial = client.get(f"/app/sources/{feed.pk}/?partial=1").content.decode()
    assert 'id="source-item-count"' in partial and "<html" not in partial
    listing = client.get("/app/sources/?partial=1").content.decode()
    assert f'data-source-id="{feed.pk}"' in listing and "<html" not in listing


def test_fetch_now_from_the_script_answers_in_json(client_for, editor, feed):
    client = client_for(editor)
    response = client.post(f"/app/sources/{feed.pk}/fetch/", HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200 and response.json()["level"] == "success"
    # A fetch in flight holds the claim (the one queued above may already have run and let it go).
    Source.objects.filter(pk=feed.pk).update(claimed_until=timezone.now() + dt.timedelta(minutes=5))
    again = client.post(f"/app/sources/{feed.pk}/fetch/", HTTP_X_REQUESTED_WITH="fetch")
    assert again.status_code == 409 and again.json()["level"] == "error"
