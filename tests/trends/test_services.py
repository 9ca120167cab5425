"""Assignment of ingested items to trends, near-duplicates, merges and the ranking formula."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.utils import timezone

from apps.sources.models import Source
from apps.sources.signals import items_ingested
from apps.trends.models import Topic, Trend, TrendItem, TrendSnapshot, TrendStatus
from apps.trends.services import items_assign_to_trends, trend_settings_for, trends_rank
from apps.trends.services.ranking import compute_scores

pytestmark = pytest.mark.django_db


def _trend_of(item) -> Trend:
    return TrendItem.objects.select_related("trend").get(item=item).trend


def test_items_ingested_signal_clusters_items_into_trends(workspace, story_items, django_capture_on_commit_callbacks):
    sources, items = story_items
    all_ids = [i.pk for group in items.values() for i in group]
    with django_capture_on_commit_callbacks(execute=True):
        items_ingested.send(sender=Source, workspace_id=workspace.pk, item_ids=all_ids)
    earnings = {_trend_of(i).pk for i in items["earnings"]}
    export = {_trend_of(i).pk for i in items["export"]}
    flood = {_trend_of(i).pk for i in items["flood"]}
    assert len(earnings) == len(export) == len(flood) == 1
    assert len(earnings | export | flood) == 3
    trend = Trend.objects.get(pk=earnings.pop())
    assert trend.item_count == 3 and trend.source_count == 3 and trend.domain_count == 3
    assert "Helio" in trend.title and trend.summary and "Helio" in trend.keywords
    assert trend.first_seen_at == min(i.published_at for i in items["earnings"])
    assert trend.language == "en" and trend.centroid
    # The eager task ranked the workspace right after assigning.
    assert trend.score > 0 and TrendSnapshot.objects.filter(trend=trend).count() == 1


def test_assignment_is_incremental_and_idempotent(workspace, story_items, make_item):
    sources, items = story_items
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for i in items["earnings"]])
    trend = _trend_of(items["earnings"][0])
    again = items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for i in items["earnings"]])
    assert again.assigned == 0 and TrendItem.objects.count() == 3
    late = make_item(
        sources[1],
        "Helio revenue hits record as quarterly sales beat forecasts",
        "Record third-quarter revenue of $18.2 billion at Helio beat forecasts.",
        minutes_ago=1,
    )
    outcome = items_assign_to_trends(workspace_id=workspace.pk, item_ids=[late.pk])
    assert outcome.created == [] and _trend_of(late) == trend
    trend.refresh_from_db()
    assert trend.item_count == 4


def test_near_duplicates_count_once(workspace, story_items, make_item):
    sources, items = story_items
    original = items["flood"][0]
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[original.pk])
    copy = make_item(sources[2], original.title, original.text, minutes_ago=5, duplicate_of=original)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[copy.pk])
    trend = _trend_of(original)
    assert _trend_of(copy) == trend
    trend.refresh_from_db()
    assert trend.item_count == 1 and trend.duplicate_count == 1
    assert TrendItem.objects.get(item=copy).counted is False
    trends_rank(workspace_id=workspace.pk)
    trend.refresh_from_db()
    solo = 2 ** (-((timezone.now() - original.published_at).total_seconds() / 3600) / 6)
    assert trend.decay == pytest.approx(solo, rel=0.05)


def test_items_of_another_workspace_are_ignored(workspace, other_workspace, make_source, make_item):
    foreign = make_item(make_source(other_workspace, "Foreign"), "Chirp global outage", "six hours")
    outcome = items_assign_to_trends(workspace_id=workspace.pk, item_ids=[foreign.pk])
    assert outcome.assigned == 0 and not TrendItem.objects.exists()


def test_converging_trends_merge_into_the_stored_one(workspace, make_source, make_item):
    source = make_source(workspace, "Wire")
    settings = trend_settings_for(workspace_id=workspace.pk)
    settings.similarity_threshold = 0.9  # force two separate trends first
    settings.merge_threshold = 0.35
    settings.save()
    a = make_item(
        source,
        "Stratus Cloud outage takes down websites across Europe",
        "Stratus eu-west region failed.",
        minutes_ago=30,
    )
    b = make_item(
        source,
        "Stratus eu-west outage hits banks and streaming services",
        "Stratus said power failure in Frankfurt.",
        minutes_ago=20,
    )
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[a.pk])
    first = _trend_of(a)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[b.pk])
    second = _trend_of(b)
    assert first != second
    # A third report close to both pulls their centroids together: they merge into one trend.
    c = make_item(
        source,
        "Stratus Cloud eu-west outage: power failure in Frankfurt took down websites, banks and streaming",
        "Stratus Cloud outage across Europe.",
        minutes_ago=10,
    )
    outcome = items_assign_to_trends(workspace_id=workspace.pk, item_ids=[c.pk])
    assert outcome.merged
    survivor = Trend.objects.get(pk=next(iter(outcome.merged.values())))
    absorbed = Trend.objects.get(pk=next(iter(outcome.merged)))
    assert absorbed.status == TrendStatus.MERGED and absorbed.merged_into == survivor
    assert {_trend_of(x) for x in (a, b, c)} == {survivor}
    survivor.refresh_from_db()
    assert survivor.item_count == 3


def test_topics_tag_matching_trends(workspace, story_items):
    Topic.objects.create(
        workspace=workspace, name="Semiconductors", slug="chips", keywords=["chip", "chipmaker", "Helio"]
    )
    sources, items = story_items
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
    tagged = set(Trend.objects.filter(topics__slug="chips").values_list("pk", flat=True))
    assert _trend_of(items["earnings"][0]).pk in tagged
    assert _trend_of(items["flood"][0]).pk not in tagged


def test_score_formula_decay_velocity_diversity():
    import numpy as np

    class S:
        half_life_hours = 6.0
        baseline_rate = 0.5
        velocity_weight = 1.0
        diversity_weight = 0.5

    # Trend 0: two items now from two domains; trend 1: one item 6 hours old, weight 2.
    score, decay, velocity, diversity, last_hour, items, domains = compute_scores(
        trend_idx=np.array([0, 0, 1]),
        age_hours=np.array([0.0, 0.5, 6.0]),
        source_weight=np.array([1.0, 1.0, 2.0]),
        domain_code=np.array([0, 1, 0]),
        n_trends=2,
        settings=S,
    )
    assert decay[0] == pytest.approx(1 + 2 ** (-0.5 / 6))
    assert decay[1] == pytest.approx(1.0)  # 2 * 2^-1
    assert last_hour.tolist() == [2.0, 0.0]
    assert velocity[0] == pytest.approx(1 + math.log(1 + 2 / 0.5))  # 24h rate 2/24 < baseline 0.5
    assert velocity[1] == 1.0
    assert diversity[0] == pytest.approx(1 + 0.5 * math.log(2)) and diversity[1] == 1.0
    assert score[0] == pytest.approx(decay[0] * velocity[0] * diversity[0])


def test_rank_updates_scores_in_bulk_snapshots_and_broadcasts_on_commit(
    workspace, story_items, django_capture_on_commit_callbacks, django_assert_max_num_queries, monkeypatch
):
    sources, items = story_items
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for g in items.values() for i in g])
    sent = []
    monkeypatch.setattr("apps.trends.events.send_on_commit", lambda group, message: sent.append((group, message)))
    with django_assert_max_num_queries(12):
        outcome = trends_rank(workspace_id=workspace.pk)
    assert outcome.ranked == 3 and outcome.snapshots == 3 and outcome.changed == 3
    assert sent and sent[0][0] == f"trends-{workspace.pk}" and sent[0][1]["type"] == "trends.scores"
    ranked = list(Trend.objects.filter(workspace=workspace).order_by("-score"))
    assert all(t.score > 0 and t.ranked_at for t in ranked)
    # Earnings: 3 items from 3 domains beat the 2-item stories.
    assert ranked[0] == _trend_of(items["earnings"][0])
    # Unchanged scores: no broadcast.
    sent.clear()
    trends_rank(workspace_id=workspace.pk, now=ranked[0].ranked_at)
    assert sent == []


def test_trends_without_recent_items_drop_to_zero(workspace, story_items):
    sources, items = story_items
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for i in items["flood"]])
    trends_rank(workspace_id=workspace.pk)
    later = timezone.now() + dt.timedelta(days=5)
    outcome = trends_rank(workspace_id=workspace.pk, now=later)
    assert outcome.zeroed == 1
    assert Trend.objects.get(pk=_trend_of(items["flood"][0]).pk).score == 0
