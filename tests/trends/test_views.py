"""Editorial pages: dashboard (sparklines, filters, empty states), trend page, what to write next, settings."""

from __future__ import annotations

import pytest

from apps.personas.models import Persona
from apps.trends.models import Topic, TrendItem, TrendSettings
from apps.trends.services import items_assign_to_trends, trends_rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(workspace, story_items):
    sources, items = story_items
    Topic.objects.create(workspace=workspace, name="Chips", slug="chips", keywords=["Helio"])
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    return {key: TrendItem.objects.get(item=group[0]).trend for key, group in items.items()}


def test_dashboard_empty_state(writer, client_for):
    response = client_for(writer).get("/app/trends/")
    assert response.status_code == 200
    assert "No trends yet" in response.content.decode()


def test_dashboard_lists_ranked_trends_with_sparklines_and_filters(
    writer, ranked, client_for, django_assert_max_num_queries
):
    client = client_for(writer)
    with django_assert_max_num_queries(14):
        response = client.get("/app/trends/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(ranked["earnings"].title) < html.index(ranked["flood"].title)
    assert html.count('<svg class="sparkline') == 3 and "<polyline" in html
    assert f"/app/generate/?trend={ranked['earnings'].pk}" in html
    assert 'data-socket="/ws/trends/?workspace=' in html and "dist/trends.js" in html
    chips = client.get("/app/trends/?topic=chips").content.decode()
    assert ranked["export"].title in chips and ranked["flood"].title not in chips
    empty = client.get("/app/trends/?language=ru").content.decode()
    assert "No trends match these filters" in empty
    partial = client.get("/app/trends/?partial=1").content.decode()
    assert partial.startswith('<div id="trend-list-body">') and "<html" not in partial


def test_trend_page_timeline_items_by_source_and_write_button(writer, ranked, client_for):
    trend = ranked["earnings"]
    html = client_for(writer).get(f"/app/trends/{trend.pk}/").content.decode()
    assert '<svg class="timeline"' in html and 'class="bar"' in html and 'class="score"' in html
    for name in ("Wire", "Ledger", "Pulse"):
        assert f"<h3>{name} " in html
    assert f'href="/app/generate/?trend={trend.pk}"' in html


def test_trend_page_is_404_for_outsiders(outsider, ranked, client_for):
    assert client_for(outsider).get(f"/app/trends/{ranked['earnings'].pk}/").status_code == 404


def test_write_next_page_groups_by_persona(writer, workspace, ranked, client_for):
    Persona.objects.create(workspace=workspace, name="Chip analyst", topics=["Helio"])
    Persona.objects.create(workspace=workspace, name="Gardener", topics=[])
    html = client_for(writer).get("/app/trends/next/").content.decode()
    assert "Chip analyst" in html and ranked["earnings"].title in html and ranked["flood"].title not in html
    assert "This persona has no topics yet" in html


def test_settings_page_saves_for_editors_and_is_read_only_for_writers(writer, editor, workspace, client_for):
    page = client_for(writer).get("/app/trends/settings/").content.decode()
    assert "<fieldset disabled>" in page
    denied = client_for(writer).post("/app/trends/settings/", {"action": "settings", "half_life_hours": "2"})
    assert denied.status_code == 400
    response = client_for(editor).post(
        "/app/trends/settings/", {"action": "settings", "half_life_hours": "2", "window_hours": "48"}
    )
    assert response.status_code == 302
    settings = TrendSettings.objects.get(workspace=workspace)
    assert settings.half_life_hours == 2 and settings.window_hours == 48
    topic = client_for(editor).post(
        "/app/trends/settings/", {"action": "topic", "name": "Space", "keywords": "rocket, satellite"}
    )
    assert topic.status_code == 302 and Topic.objects.get(workspace=workspace, slug="space").keywords == [
        "rocket",
        "satellite",
    ]


def test_demo_seed_is_idempotent_and_fills_the_dashboard(workspace, writer, client_for):
    from apps.trends import demo
    from apps.trends.models import Trend

    demo.seed(workspace=workspace, users={"writer": writer})
    first = Trend.objects.filter(workspace=workspace, status="active").count()
    snapshots = TrendSettings.objects.count()
    demo.seed(workspace=workspace, users={"writer": writer})
    assert Trend.objects.filter(workspace=workspace, status="active").count() == first >= 40
    assert TrendSettings.objects.count() == snapshots
    html = client_for(writer).get("/app/trends/?window=30d").content.decode()
    assert html.count('<svg class="sparkline up') + html.count('<svg class="sparkline down') >= 8
