"""The sources API: scoping, permissions, filters, search, pinned query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.sources.models import FetchAttempt, FetchOutcome, Item, Source, SourceStatus

from .conftest import rss

pytestmark = pytest.mark.django_db


def make_item(source, n, **kwargs):
    defaults = {
        "workspace": source.workspace,
        "source": source,
        "guid": f"g{n}",
        "url": f"https://e.com/{n}",
        "canonical_url": f"https://e.com/{n}",
        "title": f"Item {n}",
        "text": f"text of item {n}",
        "published_at": timezone.now() - timedelta(hours=n),
        "content_hash": str(n),
        "language": "en",
    }
    defaults.update(kwargs)
    return Item.objects.create(**defaults)


@pytest.fixture
def source(workspace):
    return Source.objects.create(workspace=workspace, url="https://e.com/feed", name="E")


def test_list_sources_is_scoped_and_query_count_pinned(
    workspace, other_workspace, source, writer, api_client_for, django_assert_num_queries
):
    Source.objects.create(workspace=other_workspace, url="https://other.com/feed")
    for i in range(5):
        Source.objects.create(workspace=workspace, url=f"https://e.com/feed{i}")
    client = api_client_for(writer, workspace)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/sources/")
    assert response.status_code == 200
    assert response.json()["count"] == 6


def test_outsider_gets_404(source, outsider, api_client_for):
    client = api_client_for(outsider)
    assert client.get(f"/api/v1/sources/{source.pk}/").status_code == 404
    assert client.post(f"/api/v1/sources/{source.pk}/fetch/").status_code == 404
    assert client.post(f"/api/v1/sources/{source.pk}/pause/").status_code == 404
    assert client.delete(f"/api/v1/sources/{source.pk}/").status_code == 404
    item = make_item(source, 1)
    assert client.get(f"/api/v1/items/{item.pk}/").status_code == 404
    assert client.get("/api/v1/items/").json()["count"] == 0


def test_writer_cannot_manage(source, writer, api_client_for):
    client = api_client_for(writer)
    assert client.post("/api/v1/sources/", {"url": "https://x.com/feed", "discover": False}).status_code == 403
    assert client.post(f"/api/v1/sources/{source.pk}/pause/").status_code == 403
    assert client.delete(f"/api/v1/sources/{source.pk}/").status_code == 403


def test_crud_pause_resume(workspace, editor, api_client_for):
    client = api_client_for(editor, workspace)
    response = client.post(
        "/api/v1/sources/", {"url": "https://news.ycombinator.com/best", "discover": True}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "hacker_news" and body["listing"] == "best"
    pk = body["id"]
    assert client.post("/api/v1/sources/", {"url": "https://news.ycombinator.com/best"}).status_code == 409
    response = client.patch(f"/api/v1/sources/{pk}/", {"name": "HN best", "min_interval_seconds": 600}, format="json")
    assert response.json()["name"] == "HN best" and response.json()["min_interval_seconds"] == 600
    assert client.post(f"/api/v1/sources/{pk}/pause/").json()["status"] == SourceStatus.PAUSED
    assert client.post(f"/api/v1/sources/{pk}/resume/").json()["status"] == SourceStatus.ACTIVE
    assert client.delete(f"/api/v1/sources/{pk}/").status_code == 204
    assert not Source.objects.filter(pk=pk).exists()


def test_fetch_endpoint(
    workspace, editor, api_client_for, feed_server, allow_private, django_capture_on_commit_callbacks
):
    url = feed_server.add("/f", rss([{"title": "Fetched via API", "link": "https://e.com/api"}]))
    source = Source.objects.create(workspace=workspace, url=url)
    client = api_client_for(editor, workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/sources/{source.pk}/fetch/")
    assert response.status_code == 202
    assert Item.objects.filter(source=source, title="Fetched via API").exists()
    attempts = client.get(f"/api/v1/sources/{source.pk}/attempts/").json()
    assert attempts["count"] == 1 and attempts["results"][0]["items_new"] == 1
    listed = client.get("/api/v1/fetch-attempts/", {"source": source.pk, "outcome": "ok"}).json()
    assert listed["count"] == 1


def test_items_list_filters_search_and_query_count(
    workspace, source, writer, api_client_for, django_assert_num_queries
):
    other = Source.objects.create(workspace=workspace, url="https://o.com/feed", kind="reddit")
    first = make_item(source, 1, title="Budget vote in the council", text="The council approved the budget")
    make_item(source, 2, title="Котики захватили интернет", text="Новости про котов", language="ru")
    make_item(other, 3, title="Reddit thread about cats", sentiment=0.5)
    make_item(other, 4, title="Council budget vote (copy)", duplicate_of=first)
    client = api_client_for(writer, workspace)
    # token + its last-use stamp, membership, count, page
    with django_assert_num_queries(5):
        response = client.get("/api/v1/items/")
    body = response.json()
    assert body["count"] == 3
    assert body["results"][0]["generate_url"] == f"/app/generate/?item={first.pk}"
    assert body["results"][0]["duplicate_count"] == 1
    assert client.get("/api/v1/items/", {"duplicates": "true"}).json()["count"] == 4
    assert client.get("/api/v1/items/", {"language": "ru"}).json()["count"] == 1
    assert client.get("/api/v1/items/", {"source": other.pk}).json()["count"] == 1
    assert client.get("/api/v1/items/", {"kind": "reddit"}).json()["count"] == 1
    assert client.get("/api/v1/items/", {"sentiment": "positive"}).json()["count"] == 1
    assert client.get("/api/v1/items/", {"duplicate_of": first.pk}).json()["count"] == 1
    found = client.get("/api/v1/items/", {"q": "budget council"}).json()
    assert [r["id"] for r in found["results"]] == [first.pk]
    assert client.get("/api/v1/items/", {"q": "котов"}).json()["count"] == 1
    since = (timezone.now() - timedelta(minutes=150)).isoformat()
    assert client.get("/api/v1/items/", {"published_after": since}).json()["count"] == 2
    with django_assert_num_queries(2):  # token, item (scoped to the user's workspaces)
        detail = client.get(f"/api/v1/items/{first.pk}/")
    assert detail.json()["title"] == "Budget vote in the council"


def test_opml_export_and_import(workspace, editor, source, api_client_for):
    client = api_client_for(editor, workspace)
    response = client.get("/api/v1/sources/opml/")
    assert response.status_code == 200 and b'xmlUrl="https://e.com/feed"' in response.content
    upload = SimpleUploadedFile(
        "s.opml", b'<opml version="2.0"><body><outline text="N" xmlUrl="https://n.example.com/rss"/></body></opml>'
    )
    response = client.post("/api/v1/sources/opml/", {"file": upload}, format="multipart")
    assert response.status_code == 201 and response.json()["created"][0]["url"] == "https://n.example.com/rss"


def test_attempts_are_scoped(workspace, other_workspace, outsider, source, api_client_for):
    FetchAttempt.objects.create(
        source=source, workspace=workspace, started_at=timezone.now(), outcome=FetchOutcome.ERROR, error="boom"
    )
    client = api_client_for(outsider, other_workspace)
    assert client.get("/api/v1/fetch-attempts/").json()["count"] == 0
