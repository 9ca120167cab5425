"""Trends API: list, detail, items, history, what-to-write-next, settings; pinned query counts; outsiders 404."""

from __future__ import annotations

import pytest

from apps.personas.models import Persona
from apps.trends.models import Topic, Trend, TrendItem
from apps.trends.services import items_assign_to_trends, trends_rank
from tests.factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(workspace, story_items):
    sources, items = story_items
    Topic.objects.create(workspace=workspace, name="Chips", slug="chips", keywords=["Helio"])
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    return {key: TrendItem.objects.get(item=group[0]).trend for key, group in items.items()}


def test_list_is_ranked_filtered_and_has_sparklines(
    writer, workspace, ranked, api_client_for, django_assert_num_queries
):
    client = api_client_for(writer, workspace)
    client.get("/api/v1/trends/")  # warm the token/membership caches of this client
    with django_assert_num_queries(6):
        response = client.get("/api/v1/trends/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["id"] == ranked["earnings"].pk
    assert len(first["sparkline"]) == 2 and first["generate_url"] == f"/app/generate/?trend={first['id']}"
    assert [t["slug"] for t in first["topics"]] == ["chips"]
    chips = client.get("/api/v1/trends/?topic=chips").json()
    assert {t["id"] for t in chips["results"]} == {ranked["earnings"].pk, ranked["export"].pk}
    assert client.get("/api/v1/trends/?language=ru").json()["count"] == 0


def test_detail_items_and_history(writer, workspace, ranked, api_client_for, django_assert_num_queries):
    client = api_client_for(writer, workspace)
    trend = ranked["earnings"]
    client.get(f"/api/v1/trends/{trend.pk}/")
    with django_assert_num_queries(4):
        detail = client.get(f"/api/v1/trends/{trend.pk}/")
    assert detail.status_code == 200 and detail.json()["item_count"] == 3
    with django_assert_num_queries(4):
        items = client.get(f"/api/v1/trends/{trend.pk}/items/")
    assert items.status_code == 200
    assert items.json()["count"] == 3 and {i["source"]["name"] for i in items.json()["results"]} == {
        "Wire",
        "Ledger",
        "Pulse",
    }
    with django_assert_num_queries(3):
        history = client.get(f"/api/v1/trends/{trend.pk}/history/")
    series = history.json()["series"]
    assert len(series) == 2 and series[0]["item_count"] == 3 and series[0]["score"] > 0


def test_outsider_gets_404_everywhere(outsider, workspace, ranked, api_client_for):
    client = api_client_for(outsider)
    trend = ranked["earnings"]
    for url in (
        f"/api/v1/trends/{trend.pk}/",
        f"/api/v1/trends/{trend.pk}/items/",
        f"/api/v1/trends/{trend.pk}/history/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/trends/").json()["count"] == 0
    assert client.get("/api/v1/trends/", HTTP_X_WORKSPACE=str(workspace.pk)).status_code == 404


def test_write_next_matches_persona_topics_and_skips_trends_with_posts(writer, workspace, ranked, api_client_for):
    persona = Persona.objects.create(
        workspace=workspace, name="Chip analyst", topics=["semiconductors", "Helio", "chips"]
    )
    client = api_client_for(writer, workspace)
    body = client.get(f"/api/v1/trends/next/?persona={persona.pk}").json()
    assert {t["id"] for t in body["results"]} == {ranked["earnings"].pk, ranked["export"].pk}
    make_post(workspace=workspace, user=writer, title="Helio earnings", trend=ranked["earnings"])
    body = client.get(f"/api/v1/trends/next/?persona={persona.pk}").json()
    assert [t["id"] for t in body["results"]] == [ranked["export"].pk]


def test_settings_read_by_members_written_by_editors(writer, editor, workspace, api_client_for):
    assert api_client_for(writer, workspace).get("/api/v1/trends/settings/").json()["half_life_hours"] == 6.0
    denied = api_client_for(writer, workspace).patch("/api/v1/trends/settings/", {"half_life_hours": 3}, format="json")
    assert denied.status_code == 403
    ok = api_client_for(editor, workspace).patch(
        "/api/v1/trends/settings/", {"half_life_hours": 3, "source_weights": {"5": 2.5}}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["half_life_hours"] == 3 and ok.json()["source_weights"] == {"5": 2.5}
    bad = api_client_for(editor, workspace).patch("/api/v1/trends/settings/", {"half_life_hours": -1}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


def test_new_topic_tags_existing_trends(editor, workspace, ranked, api_client_for):
    created = api_client_for(editor, workspace).post(
        "/api/v1/trends/topics/", {"name": "Floods", "keywords": ["rainfall"]}, format="json"
    )
    assert created.status_code == 201
    assert list(ranked["flood"].topics.values_list("slug", flat=True)) == ["floods"]
    assert not ranked["earnings"].topics.filter(slug="floods").exists()


def test_topics_api(editor, writer, workspace, api_client_for):
    created = api_client_for(editor, workspace).post(
        "/api/v1/trends/topics/", {"name": "Space", "keywords": ["rocket"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["slug"] == "space"
    assert (
        api_client_for(writer, workspace).post("/api/v1/trends/topics/", {"name": "X"}, format="json").status_code
        == 403
    )
    assert api_client_for(writer, workspace).get("/api/v1/trends/topics/").json()["count"] == 1
    assert Trend.objects.count() == 0
