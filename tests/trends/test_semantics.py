"""Embeddings (offline wordllama and an OpenAI-compatible endpoint on a local server), stored vectors on
the live path, stories on the trend list, the language filter and language detection."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from apps.core.http import BlockedAddress
from apps.core.language import detect_language
from apps.trends import embeddings
from apps.trends.models import ItemEmbedding, Trend, TrendItem
from apps.trends.services import items_assign_to_trends, trend_settings_for

pytestmark = pytest.mark.django_db

HEADLINES = {
    "pl": [
        "Rząd przyjął projekt ustawy o podatku od nieruchomości",
        "Pożar w centrum Warszawy, ewakuowano kilkaset osób",
    ],
    "tr": ["Merkez Bankası faiz oranlarını yeniden yükseltti", "Cumhurbaşkanı yeni kabine üyelerini açıkladı"],
    "sv": ["Regeringen föreslår höjd skatt på bensin och diesel", "Svenska landslaget vann mot Norge efter straffar"],
    "de": ["Bundesregierung beschließt neues Heizungsgesetz", "Der FC Bayern gewinnt das Spitzenspiel gegen Dortmund"],
    "fr": ["Le gouvernement annonce une hausse du salaire minimum", "L'équipe de France s'impose face au Portugal"],
    "es": ["El Gobierno aprueba la subida del salario mínimo", "El Real Madrid gana la final de la Copa del Rey"],
    "it": ["Il governo approva la nuova legge di bilancio", "La Juventus vince il derby contro il Torino"],
    "ru": ["Центробанк повысил ключевую ставку до 16 процентов", "В Москве из-за снегопада образовались пробки"],
    "uk": ["Уряд ухвалив рішення про підвищення мінімальної зарплати", "Збірна України перемогла Ісландію"],
    "en": ["Central bank raises interest rates for the third time", "Storm knocks out power to thousands in Florida"],
    "zh": ["国务院发布新一轮稳增长政策措施", "北京暴雨导致多条地铁线路停运"],
    "ja": ["日銀が大規模緩和の修正を決定", "東京で記録的な大雪、交通機関に乱れ"],
}


@pytest.mark.parametrize("lang", sorted(HEADLINES))
def test_language_detection_on_headlines(lang):
    for headline in HEADLINES[lang]:
        assert detect_language(headline) == lang, headline


def test_language_detection_falls_back_to_the_hint_on_too_little_text():
    assert detect_language("", hint="de-AT") == "de"
    assert detect_language("🙂👍🏽 42", hint="pt_BR") == "pt"


def test_offline_provider_joins_paraphrases_not_unrelated_headlines():
    vectors = embeddings.offline_provider().embed(
        ["Apple buys PrimeSense", "iPhone maker acquires Kinect sensor firm", "Storm hits Florida coast"]
    )
    assert vectors.shape == (3, 256) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.1
    assert np.array_equal(embeddings.from_bytes(embeddings.to_bytes(vectors[0])), vectors[0])


class _EmbeddingsHandler(BaseHTTPRequestHandler):
    """Speaks OpenAI's POST /v1/embeddings: a deterministic 8-dimension vector per input."""

    requests: list[dict] = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if type(self).status != 200:
            self.send_response(type(self).status)
            self.end_headers()
            return
        data = []
        for n, text in enumerate(body["input"]):
            vec = [float(text.count(c)) for c in "aeiouéжя"] if "storm" not in text.lower() else [0.0] * 7 + [5.0]
            data.append({"object": "embedding", "index": n, "embedding": [v + 0.01 for v in vec]})
        payload = json.dumps({"object": "list", "data": list(reversed(data)), "model": body["model"]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def embeddings_server():
    _EmbeddingsHandler.requests = []
    _EmbeddingsHandler.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EmbeddingsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_openai_compatible_provider_against_a_local_server(settings, embeddings_server):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    provider = embeddings.OpenAIProvider(base_url=embeddings_server, model="nomic-embed-text", api_key="k-1")
    vectors = provider.embed(["Выборы в Москве", "Élection à Paris 🗳️", "a storm"])
    assert vectors.shape == (3, 8)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[2][7] == pytest.approx(1.0, abs=0.01)  # order restored from "index"
    request = _EmbeddingsHandler.requests[0]
    assert request["path"] == "/v1/embeddings" and request["auth"] == "Bearer k-1"
    assert request["body"]["model"] == "nomic-embed-text"


def test_openai_provider_errors_are_clear(settings, embeddings_server):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    _EmbeddingsHandler.status = 500
    with pytest.raises(embeddings.EmbeddingError, match="HTTP 500"):
        embeddings.OpenAIProvider(base_url=embeddings_server, model="m").embed(["x"])


def test_openai_provider_goes_through_the_guarded_transport(settings, embeddings_server):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(embeddings.EmbeddingError) as caught:
        embeddings.OpenAIProvider(base_url=embeddings_server, model="m").embed(["x"])
    assert isinstance(caught.value.__cause__, BlockedAddress)


def test_live_path_stores_vectors_and_groups_paraphrases(workspace, make_source, make_item):
    a = make_item(make_source(workspace, "A"), "Apple buys PrimeSense, the Israeli 3D sensor maker", minutes_ago=30)
    b = make_item(make_source(workspace, "B"), "iPhone maker acquires Kinect sensor firm PrimeSense", minutes_ago=20)
    c = make_item(make_source(workspace, "C"), "Winter storm brings snow and ice to the Northeast", minutes_ago=10)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[a.pk, b.pk, c.pk])
    stored = ItemEmbedding.objects.get(item=a)
    assert stored.model == embeddings.OFFLINE_NAME and len(bytes(stored.vector)) == 256 * 4
    trend_a = TrendItem.objects.get(item=a).trend
    assert TrendItem.objects.get(item=b).trend_id == trend_a.pk
    assert TrendItem.objects.get(item=c).trend_id != trend_a.pk
    trend_a.refresh_from_db()
    assert trend_a.embedded_count == 2 and len(bytes(trend_a.embedding)) == 256 * 4


def test_live_path_uses_a_configured_endpoint_and_survives_its_failure(
    settings, workspace, make_source, make_item, embeddings_server
):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    trend_settings = trend_settings_for(workspace_id=workspace.pk)
    trend_settings.embedding_provider = "openai"
    trend_settings.embedding_url = embeddings_server
    trend_settings.embedding_model = "local-model"
    trend_settings.save()
    one = make_item(make_source(workspace, "A"), "Выборы мэра Москвы назначены на сентябрь", language="ru")
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[one.pk])
    assert ItemEmbedding.objects.get(item=one).model == "openai:local-model"
    _EmbeddingsHandler.status = 503
    two = make_item(make_source(workspace, "B"), "Storm closes schools across the region")
    outcome = items_assign_to_trends(workspace_id=workspace.pk, item_ids=[two.pk])
    assert outcome.assigned == 1 and not ItemEmbedding.objects.filter(item=two).exists()


def test_trend_list_shows_stories_and_the_language_filter_works(writer, workspace, make_source, make_item, client_for):
    wire, other = make_source(workspace, "Wire"), make_source(workspace, "Other")
    ru = [
        make_item(wire, "Центробанк повысил ключевую ставку до 16 процентов", language="ru", minutes_ago=30),
        make_item(other, "Центробанк неожиданно повысил ключевую ставку до 16%", language="ru", minutes_ago=20),
    ]
    lone = make_item(wire, "Local bakery wins a regional bread award", minutes_ago=15)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for i in [*ru, lone]])
    story = TrendItem.objects.get(item=ru[0]).trend
    assert TrendItem.objects.get(item=ru[1]).trend_id == story.pk
    single = TrendItem.objects.get(item=lone).trend
    Trend.objects.filter(pk__in=[story.pk, single.pk]).update(score=1.0)
    client = client_for(writer)
    html = client.get("/app/trends/").content.decode()
    story.refresh_from_db()
    assert story.title in html and "bakery" not in html
    select = html.split('id="f-language"')[1].split("</select>")[0]
    assert '<option value="ru"' in select and "{" not in select
    filtered = client.get("/app/trends/?language=ru").content.decode()
    assert story.title in filtered
    assert story.title not in client.get("/app/trends/?language=en").content.decode()
