"""Issue 14: names/numbers keep look-alike articles apart, "what to write next" matches by meaning, a
single-item trend has no page of its own, and the offline model is loaded once per process."""

from __future__ import annotations

import numpy as np
import pytest

from apps.personas.models import Persona
from apps.trends import embeddings
from apps.trends.clustering import Clusterer, Params, Record
from apps.trends.clustering.vectors import anchor_counts, features_of
from apps.trends.models import TrendItem
from apps.trends.selectors import trends_to_write_next
from apps.trends.services import items_assign_to_trends, trends_rank

pytestmark = pytest.mark.django_db

FILLER = (
    "The fighter retained his heavyweight titles on Saturday night in front of a sold-out arena, "
    "landing a series of heavy right hands before the referee stopped the bout in the later rounds. "
    "His trainer said the win set up another defence later this year, and promoters praised the crowd. "
)


def _article(n: int, name: str, place: str, year: str) -> Record:
    text = f"{name} was stopped in {place} in {year}. " + FILLER * 3 + f"{name} said after the fight in {place}."
    return Record(id=n, title=f"Champion stops {name} in {place}", text=text, published_at=1000.0 + n)


def test_anchor_counts_take_names_and_numbers_only():
    counts = anchor_counts("Klitschko stops Thompson", "The champion won in Bern in 2012, said the referee.")
    names = set(features_of("klitschko thompson bern 2012"))
    assert set(counts) == names  # "The" is a stop word; lower-case words are no anchors
    cyrillic = anchor_counts("Путин встретился с Си", "встреча прошла в Пекине 5 мая")
    assert set(cyrillic) == set(features_of("путин пекине 5"))  # short "Си" drops like any 2-letter word


def test_long_articles_with_other_names_stay_apart_and_same_names_join():
    records = [_article(n, "Thompson", "Bern", "2012") for n in range(1, 4)]
    records += [_article(n, "Rahman", "Mannheim", "2008") for n in range(4, 7)]
    gated = Params(threshold=0.25, anchor_min_words=100, anchor_threshold=0.5)
    labels = Clusterer(gated).add(records).assignments
    assert len({labels[n] for n in (1, 2, 3)}) == 1 and len({labels[n] for n in (4, 5, 6)}) == 1
    assert labels[1] != labels[4]
    # Without the check the shared boxing words join all six.
    plain = Clusterer(Params(threshold=0.25)).add(records).assignments
    assert len(set(plain.values())) == 1


def test_stored_centroid_keeps_anchors_and_reloads_them():
    records = [_article(n, "Thompson", "Bern", "2012") for n in range(1, 3)]
    params = Params(anchor_min_words=100, anchor_threshold=0.3)
    clusterer = Clusterer(params)
    result = clusterer.add(records)
    key = result.assignments[1]
    stored = clusterer.clusters[key].stored_centroid(64, 32)
    assert any(f < 0 for f in stored) and any(f >= 0 for f in stored)
    again = Clusterer(params)
    again.load_cluster(key=7, centroid={str(k): v for k, v in stored.items()}, size=2, first_seen=0, last_seen=1100)
    assert again.clusters[7].anchors and all(f >= 0 for f in again.clusters[7].sums)
    joined = again.add([_article(9, "Thompson", "Bern", "2012")]).assignments
    other = again.add([_article(10, "Rahman", "Mannheim", "2008")]).assignments
    assert joined[9] == 7 and other[10] != 7


def test_offline_model_is_loaded_once_per_process():
    first = embeddings.offline_provider().model()
    assert embeddings.WordLlamaProvider().model() is first
    texts = ["Apple buys PrimeSense", "Яблоко купило PrimeSense", "🧑‍💻 e\u0301", "Café “Zoë” naïve"]
    vectors = embeddings.offline_provider().embed(texts)
    assert vectors.shape == (4, 256)
    # The English model reads Latin script only: a Russian text gets the zero row ("no signal"), which
    # the clustering treats as no embedding (words only), instead of a vector near every Russian text.
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms, [1.0, 0.0, 1.0, 1.0], atol=1e-4)


def _story(workspace, make_source, make_item, titles):
    sources = [make_source(workspace, name) for name in ("Wire", "Ledger")]
    items = [make_item(sources[n % 2], title, text, minutes_ago=20 + n) for n, (title, text) in enumerate(titles)]
    return items


UNION = [
    (
        "Game developers at Activision vote to form a union",
        "Quality assurance workers at the video game studio joined the Communications Workers of America.",
    ),
    (
        "Activision game testers win union vote",
        "The video game publisher's quality assurance staff voted to unionize with the CWA.",
    ),
]
COPILOT = [
    (
        "GitHub adds Copilot code review to pull requests",
        "The developer platform's AI assistant now summarizes pull requests and suggests fixes in the editor.",
    ),
    (
        "GitHub Copilot now reviews code in pull requests",
        "Programmers can ask the coding assistant to review a pull request and propose changes in the IDE.",
    ),
]


def test_write_next_matches_topics_by_meaning_not_by_a_shared_word(workspace, make_source, make_item):
    union = _story(workspace, make_source, make_item, UNION)
    copilot = _story(workspace, make_source, make_item, COPILOT)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for i in union + copilot])
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    union_trend = TrendItem.objects.get(item=union[0]).trend
    copilot_trend = TrendItem.objects.get(item=copilot[0]).trend
    assert union_trend != copilot_trend
    persona = Persona.objects.create(workspace=workspace, name="Tools writer", topics=["Developer tools"])
    offered = trends_to_write_next(workspace=workspace, persona=persona)
    assert [t.pk for t in offered] == [copilot_trend.pk]
    assert offered[0].matched_words == ["Developer tools"]
    # A topic named outright (every word of it in the trend's title or keywords) still matches.
    named = Persona.objects.create(workspace=workspace, name="Labour desk", topics=["Activision"])
    assert union_trend.pk in {t.pk for t in trends_to_write_next(workspace=workspace, persona=named)}


def test_single_item_trend_has_no_page_but_a_story_has(writer, workspace, make_source, make_item, client_for):
    source = make_source(workspace, "Wire")
    lone = make_item(source, "Съезд пчеловодов в Казани 🐝", "Пчеловоды собрались в Казани.")
    pair = _story(workspace, make_source, make_item, COPILOT)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[lone.pk] + [i.pk for i in pair])
    lone_trend = TrendItem.objects.get(item=lone).trend
    story = TrendItem.objects.get(item=pair[0]).trend
    assert lone_trend.item_count == 1 and lone_trend.source_count == 1
    client = client_for(writer)
    assert client.get(f"/app/trends/{lone_trend.pk}/").status_code == 404
    assert client.get(f"/app/trends/{story.pk}/").status_code == 200


def test_single_item_trend_is_404_in_the_api_and_unlisted_but_its_item_is_found(
    writer, workspace, make_source, make_item, api_client_for
):
    source = make_source(workspace, "Wire")
    lone = make_item(source, "Съезд пчеловодов в Казани 🐝", "Пчеловоды собрались в Казани.")
    pair = _story(workspace, make_source, make_item, COPILOT)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[lone.pk] + [i.pk for i in pair])
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    lone_trend = TrendItem.objects.get(item=lone).trend
    story = TrendItem.objects.get(item=pair[0]).trend
    client = api_client_for(writer, workspace)
    for suffix in ("", "items/", "history/"):
        assert client.get(f"/api/v1/trends/{lone_trend.pk}/{suffix}").status_code == 404, suffix
        assert client.get(f"/api/v1/trends/{story.pk}/{suffix}").status_code == 200, suffix
    listed = {t["id"] for t in client.get("/api/v1/trends/?window=30d").json()["results"]}
    assert story.pk in listed and lone_trend.pk not in listed
    found = client.get("/api/v1/items/", {"q": "пчеловодов"})
    assert found.status_code == 200 and lone.pk in {i["id"] for i in found.json()["results"]}
