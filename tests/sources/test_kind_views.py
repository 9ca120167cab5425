"""The pages for the newer kinds, the rules and muting: forms, errors, permissions."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.sources.models import FilterRule, Item, RuleField, Source, SourceKind

pytestmark = pytest.mark.django_db


def test_sources_page_lists_one_form_per_kind(editor, client_for):
    html = client_for(editor).get("/app/sources/").content.decode()
    for title in (
        "YouTube channel or playlist",
        "Mastodon",
        "Bluesky",
        "Google Trends daily searches",
        "Lobsters-style JSON",
        "GitHub releases",
        "News sitemap",
        "Web page watched for new links",
    ):
        assert title in html
    assert 'name="mastodon-instance"' in html and "Filter rules" in html


def test_adding_a_kind_through_its_form(workspace, editor, client_for, django_capture_on_commit_callbacks):
    client = client_for(editor)
    response = client.post(
        "/app/sources/",
        {"kind": "github_releases", "github_releases-target": "django/django", "github_releases-fulltext": "on"},
    )
    source = Source.objects.get(workspace=workspace, kind=SourceKind.GITHUB_RELEASES)
    assert response.status_code == 302 and response["Location"].endswith(f"/sources/{source.pk}/")
    assert source.name == "django/django releases" and source.fulltext
    bad = client.post("/app/sources/", {"kind": "youtube", "youtube-target": "@nobody"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "channel id" in html and '<details class="kind-form" open>' in html
    again = client.post("/app/sources/", {"kind": "github_releases", "github_releases-target": "django/django"})
    assert "already in the workspace" in again.content.decode()


def test_writer_cannot_add_kinds_or_rules(workspace, writer, client_for):
    client = client_for(writer)
    assert client.post("/app/sources/", {"kind": "lobsters", "lobsters-target": "lobste.rs"}).status_code == 403
    assert (
        client.post("/app/sources/rules/", {"action": "drop", "field": "keywords", "pattern": "x"}).status_code == 403
    )
    assert not Source.objects.exists() and not FilterRule.objects.exists()
    assert "No rules yet" in client.get("/app/sources/rules/").content.decode()


def test_rules_page_add_disable_delete(workspace, editor, client_for):
    client = client_for(editor)
    bad = client.post("/app/sources/rules/", {"action": "drop", "field": "regex", "pattern": "(a+)+$"})
    assert "takes too long" in bad.content.decode()
    client.post("/app/sources/rules/", {"action": "drop", "field": "keywords", "pattern": "криптовалюта, 广告"})
    rule = FilterRule.objects.get(workspace=workspace)
    assert rule.field == RuleField.KEYWORDS and "криптовалюта" in client.get("/app/sources/rules/").content.decode()
    client.post(f"/app/sources/rules/{rule.pk}/disable/")
    rule.refresh_from_db()
    assert not rule.enabled
    client.post(f"/app/sources/rules/{rule.pk}/delete/")
    assert not FilterRule.objects.exists()


def test_outsider_cannot_touch_rules_or_items(workspace, editor, outsider, client_for):
    rule = FilterRule.objects.create(workspace=workspace, pattern="x")
    source = Source.objects.create(workspace=workspace, url="https://e.com/feed")
    item = Item.objects.create(
        workspace=workspace,
        source=source,
        guid="g",
        canonical_url="https://e.com/1",
        title="T",
        published_at=timezone.now(),
        content_hash="h",
    )
    client = client_for(outsider)
    assert client.post(f"/app/sources/rules/{rule.pk}/delete/").status_code == 404
    assert client.post(f"/app/sources/items/{item.pk}/mute/").status_code == 404


def test_mute_and_unmute_from_the_item_page(workspace, editor, client_for):
    source = Source.objects.create(workspace=workspace, url="https://e.com/feed")
    item = Item.objects.create(
        workspace=workspace,
        source=source,
        guid="g",
        canonical_url="https://e.com/1",
        title="Шум",
        published_at=timezone.now(),
        content_hash="h",
        signals={"likes": 5},
    )
    client = client_for(editor)
    page = client.get(f"/app/sources/items/{item.pk}/").content.decode()
    assert "Mute story" in page and "likes 5" in page
    client.post(f"/app/sources/items/{item.pk}/mute/")
    item.refresh_from_db()
    assert item.muted_at is not None and item.muted_by == editor
    assert "Шум" not in client.get("/app/sources/items/").content.decode()
    assert "Шум" in client.get("/app/sources/items/?hidden=muted").content.decode()
    client.post(f"/app/sources/items/{item.pk}/unmute/")
    item.refresh_from_db()
    assert item.muted_at is None


def test_api_adds_kinds_with_their_fields_and_hides_dropped_items(workspace, editor, api_client_for):
    client = api_client_for(editor, workspace)
    response = client.post(
        "/api/v1/sources/",
        {"kind": "mastodon", "fields": {"instance": "social.example", "mode": "hashtag", "target": "新闻"}},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["listing"] == "hashtag" and response.json()["trust"] == "normal"
    bad = client.post("/api/v1/sources/", {"kind": "bluesky", "fields": {"mode": "search"}}, format="json")
    assert bad.status_code == 400
    # a newer kind cannot skip its validation through the plain URL path
    raw = client.post("/api/v1/sources/", {"kind": "web_page", "url": "https://x.example/"}, format="json")
    assert raw.status_code == 201 and raw.json()["name"] == "x.example (watched page)"
    source = Source.objects.get(kind=SourceKind.MASTODON)
    now = timezone.now()
    Item.objects.create(
        workspace=workspace,
        source=source,
        guid="a",
        canonical_url="https://e.com/a",
        title="kept",
        published_at=now,
        content_hash="a",
        signals={"reblogs": 3},
    )
    Item.objects.create(
        workspace=workspace,
        source=source,
        guid="b",
        canonical_url="https://e.com/b",
        title="gone",
        published_at=now,
        content_hash="b",
        filter_reason="Dropped by rule x",
    )
    titles = [i["title"] for i in client.get("/api/v1/items/").json()["results"]]
    assert titles == ["kept"]
    dropped = client.get("/api/v1/items/?hidden=dropped").json()["results"]
    assert [i["filter_reason"] for i in dropped] == ["Dropped by rule x"]
    patched = client.patch(f"/api/v1/sources/{source.pk}/", {"trust": "noisy", "fulltext": True}, format="json")
    assert patched.json()["trust"] == "noisy" and patched.json()["fulltext"] is True
