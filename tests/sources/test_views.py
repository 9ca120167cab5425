"""The Sources pages and admin: scoping, actions, search, sanitized rendering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.sources.models import FetchAttempt, FetchOutcome, Item, Source, SourceStatus

from .conftest import rss

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(workspace):
    return Source.objects.create(workspace=workspace, url="https://e.com/feed", name="Example feed")


def make_item(source, n, **kwargs):
    values = {
        "workspace": source.workspace,
        "source": source,
        "guid": f"g{n}",
        "url": f"https://e.com/{n}",
        "canonical_url": f"https://e.com/{n}",
        "title": f"Item {n}",
        "text": f"body {n}",
        "published_at": timezone.now() - timedelta(hours=n),
        "content_hash": str(n),
    }
    values.update(kwargs)
    return Item.objects.create(**values)


def test_sources_page(source, writer, client_for, django_assert_max_num_queries):
    make_item(source, 1)
    Source.objects.create(
        workspace=source.workspace,
        url="https://f.com/feed",
        status=SourceStatus.FAILING,
        last_error="HTTP 500 from https://f.com/feed",
    )
    client = client_for(writer)
    with django_assert_max_num_queries(12):
        response = client.get("/app/sources/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Example feed" in html and "HTTP 500 from" in html and "<svg" in html
    assert "Add a source" not in html  # writers cannot manage sources


def test_editor_adds_a_feed_by_page_url(
    workspace, editor, client_for, feed_server, allow_private, django_capture_on_commit_callbacks
):
    feed_server.add("/rss", rss([{"title": "Hello", "link": "https://e.com/h"}], title="Found feed"))
    feed_server.add(
        "/",
        b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head></html>',
        headers={"Content-Type": "text/html"},
    )
    client = client_for(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/app/sources/", {"url": feed_server.url("/")})
    source = Source.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == f"/app/sources/{source.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Found feed" in page and "Hello" in page and "Fetch attempts" in page


def test_add_shows_readable_error(editor, client_for, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    response = client_for(editor).post("/app/sources/", {"url": "http://127.0.0.1/feed"})
    assert response.status_code == 200 and "private" in response.content.decode()


def test_actions(source, editor, client_for):
    client = client_for(editor)
    client.post(f"/app/sources/{source.pk}/pause/")
    source.refresh_from_db()
    assert source.status == SourceStatus.PAUSED
    client.post(f"/app/sources/{source.pk}/resume/", {"next": "/app/sources/"})
    source.refresh_from_db()
    assert source.status == SourceStatus.ACTIVE
    assert client.post(f"/app/sources/{source.pk}/explode/").status_code == 404
    client.post(f"/app/sources/{source.pk}/delete/")
    assert not Source.objects.filter(pk=source.pk).exists()


def test_outsider_and_writer_limits(source, outsider, writer, client_for):
    assert client_for(outsider).get(f"/app/sources/{source.pk}/").status_code == 404
    assert client_for(outsider).post(f"/app/sources/{source.pk}/pause/").status_code == 404
    item = make_item(source, 1)
    assert client_for(outsider).get(f"/app/sources/items/{item.pk}/").status_code == 404
    assert client_for(writer).post(f"/app/sources/{source.pk}/pause/").status_code == 403


def test_item_stream_filters_and_search(source, writer, client_for):
    make_item(source, 1, title="Election results are in", text="votes counted", language="en")
    make_item(source, 2, title="Новый рекорд продаж", text="продажи выросли", language="ru")
    client = client_for(writer)
    html = client.get("/app/sources/items/").content.decode()
    assert "Election results" in html and "Новый рекорд" in html and "/app/generate/?item=" in html
    html = client.get("/app/sources/items/", {"q": "election"}).content.decode()
    assert "Election results" in html and "Новый рекорд" not in html
    html = client.get("/app/sources/items/", {"language": "ru"}).content.decode()
    assert "Election results" not in html and "Новый рекорд" in html


def test_item_page_never_renders_scripts(source, writer, client_for):
    # Even a row written around the sanitizer is cleaned on the way out.
    item = make_item(
        source,
        1,
        summary_html='<p>ok</p><script>alert(1)</script><a href="javascript:x()" onclick="y()">l</a>',
        content_html="<img src=x onerror=alert(1)>",
    )
    html = client_for(writer).get(f"/app/sources/items/{item.pk}/").content.decode()
    body = html.split("<main", 1)[1]
    assert "<p>ok</p>" in body and "alert(1)" not in body and "javascript:" not in body
    assert "onclick" not in body and "onerror" not in body
    assert f"/app/generate/?item={item.pk}" in body


def test_opml_export_and_import_pages(source, editor, client_for):
    client = client_for(editor)
    response = client.get("/app/sources/opml/")
    assert b'xmlUrl="https://e.com/feed"' in response.content
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "x.opml", b'<opml><body><outline xmlUrl="https://z.example.com/rss" text="Z"/></body></opml>'
    )
    client.post("/app/sources/opml/import/", {"file": upload})
    assert Source.objects.filter(url="https://z.example.com/rss").exists()


def test_admin_lists_and_actions(source, admin_client, settings, django_capture_on_commit_callbacks):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    FetchAttempt.objects.create(
        source=source, workspace=source.workspace, started_at=timezone.now(), outcome=FetchOutcome.ERROR, error="boom"
    )
    make_item(source, 1)
    for url in (
        "/admin/sources/source/",
        "/admin/sources/item/",
        "/admin/sources/fetchattempt/",
        f"/admin/sources/source/{source.pk}/change/",
        "/admin/sources/source/?status__exact=active&q=e.com",
    ):
        assert admin_client.get(url).status_code == 200, url
    admin_client.post("/admin/sources/source/", {"action": "pause", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert source.status == SourceStatus.PAUSED
    admin_client.post("/admin/sources/source/", {"action": "resume", "_selected_action": [source.pk]})
    source.refresh_from_db()
    assert source.status == SourceStatus.ACTIVE
    Source.objects.filter(pk=source.pk).update(url="http://10.0.0.1/feed")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post("/admin/sources/source/", {"action": "fetch_now", "_selected_action": [source.pk]})
    # A private address is refused: the attempt is recorded as an error and the claim released.
    source.refresh_from_db()
    assert source.claimed_until is None and FetchAttempt.objects.filter(source=source).count() == 2
