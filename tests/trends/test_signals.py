"""Signals into trends: engagement velocity per source kind, trust, Google Trends search terms matched in
Latin, Cyrillic and CJK titles; which signals moved a trend, on its page and in the API; pinned query counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from apps.sources.engagement import engagement_score
from apps.sources.models import Item, Source, SourceKind, SourceTrust
from apps.trends.clustering.terms import matches, term_words
from apps.trends.models import Trend, TrendItem
from apps.trends.rising import compact, traffic_label, why_rising
from apps.trends.services import items_assign_to_trends, trend_settings_for, trends_rank
from tests.conftest import ARTIFACTS, browser_login

_n = itertools.count(1)

OUTAGE = [
    ("Cloudflare outage knocks thousands of websites offline", "A Cloudflare network failure took down X and ChatGPT."),
    ("Cloudflare says global outage that took down websites is fixed", "Cloudflare blamed a configuration file."),
]
FLOOD = [
    ("Record rainfall floods Port Alder, thousands evacuated", "The Alder River burst its banks in Port Alder."),
    ("Port Alder floods: river bursts its banks, residents evacuated", "Floods in Port Alder forced evacuations."),
]
MOLDOVA = [
    ("В Молдове прошли выборы президента", "Избиратели в Молдове выбирали президента страны."),
    ("Выборы президента Молдовы: Майя Санду лидирует", "На выборах президента Молдовы лидирует Санду."),
]
TYPHOON = "强台风袭击广东 数十万人紧急撤离"


def _source(workspace, name, kind=SourceKind.FEED, trust=SourceTrust.NORMAL, options=None):
    n = next(_n)
    return Source.objects.create(
        workspace=workspace,
        name=name,
        url=f"https://{name.lower().replace(' ', '')}{n}.example/feed",
        kind=kind,
        trust=trust,
        options=options or {},
    )


def _item(source, title, text="", minutes_ago=30, signals=None, duplicate_of=None, language="en"):
    n = next(_n)
    host = source.url.split("/")[2]
    signals = signals or {}
    return Item.objects.create(
        workspace=source.workspace,
        source=source,
        guid=f"s{n}",
        url=f"https://{host}/a/{n}",
        canonical_url=f"https://{host}/a/{n}",
        title=title,
        text=text,
        published_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        language=language,
        content_hash=hashlib.sha256(f"{title}{n}".encode()).hexdigest(),
        duplicate_of=duplicate_of,
        signals=signals,
        engagement=engagement_score(source.kind, signals),
    )


def _trend(item) -> Trend:
    return Trend.objects.get(pk=TrendItem.objects.get(item=item).trend_id)


@pytest.fixture
def signalled(workspace):
    """An outage story with an HN thread (a near-duplicate of the wire's item) and a Bluesky post; a flood story
    of feed items only; a Russian election story and a Chinese typhoon item; Google Trends terms."""
    wire, ledger = _source(workspace, "Wire"), _source(workspace, "Ledger")
    hn = _source(workspace, "HN front page", SourceKind.HACKER_NEWS)
    sky = _source(workspace, "Bluesky search", SourceKind.BLUESKY)
    outage = [_item(wire, *OUTAGE[0], minutes_ago=50), _item(ledger, *OUTAGE[1], minutes_ago=40)]
    outage.append(
        _item(hn, OUTAGE[0][0], minutes_ago=45, signals={"points": 320, "comments": 141}, duplicate_of=outage[0])
    )
    outage.append(
        _item(sky, "Cloudflare outage: thousands of websites offline", "", 35, {"reposts": 1200, "likes": 3400})
    )
    flood = [_item(wire, *FLOOD[0], minutes_ago=50), _item(ledger, *FLOOD[1], minutes_ago=40)]
    moldova = [_item(wire, *MOLDOVA[0], 50, language="ru"), _item(ledger, *MOLDOVA[1], 40, language="ru")]
    ru_trends = _source(workspace, "Google RU", SourceKind.GOOGLE_TRENDS, options={"geo": "RU"})
    cn_trends = _source(workspace, "Google US", SourceKind.GOOGLE_TRENDS, options={"geo": "US"})
    _item(ru_trends, "выборы в молдове", minutes_ago=120, signals={"traffic": 20000}, language="ru")
    _item(cn_trends, "taylor swift", minutes_ago=120, signals={"traffic": 2_000_000})
    ids = [i.pk for group in (outage, flood, moldova) for i in group]
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=ids)
    return {"outage": outage, "flood": flood, "moldova": moldova}


@pytest.mark.django_db
def test_engagement_and_search_terms_lift_trends_and_say_why(workspace, signalled, django_assert_num_queries):
    # 8 for ranking as before, 6 for signals: trust, item signals, their trends, search terms, trend titles,
    # and the store (clear the trends no longer boosted, write the boosted ones). SQLite reads the snapshot
    # counts in two more (ranking's own bulk path).
    with django_assert_num_queries(14 if connection.vendor == "postgresql" else 16):
        outcome = trends_rank(workspace_id=workspace.pk, broadcast=False)
    assert outcome.ranked == 3
    outage, flood = _trend(signalled["outage"][0]), _trend(signalled["flood"][0])
    assert _trend(signalled["outage"][2]) == outage  # the HN thread joined as a near-duplicate
    assert outage.engagement_factor > 1.5 and flood.engagement_factor == 1.0
    assert outage.score == pytest.approx(
        outage.decay * outage.velocity * outage.diversity * outage.engagement_factor * outage.search_factor, rel=1e-6
    )
    top = {(s["kind"], s["signal"]): s["value"] for s in outage.signals["top"]}
    assert top[("hacker_news", "points")] == 320 and top[("bluesky", "reposts")] == 1200
    assert "320 HN points" in outage.why_rising and "1.2k reposts on Bluesky" in outage.why_rising
    assert flood.signals == {} and flood.why_rising == []
    moldova = _trend(signalled["moldova"][0])
    assert _trend(signalled["moldova"][1]) == moldova
    assert moldova.search_factor > 1 and moldova.signals["search"][0]["term"] == "выборы в молдове"
    assert "Google searches 20K+ for “выборы в молдове”" in moldova.why_rising
    # "taylor swift" (2M+) matches no trend and lifts nothing.
    assert not any("taylor" in r for t in Trend.objects.all() for r in t.why_rising)


@pytest.mark.django_db
def test_a_chinese_search_term_lifts_a_chinese_trend_by_its_traffic(workspace):
    wire, ledger = _source(workspace, "Xinhua wire"), _source(workspace, "Caixin")
    typhoon = _item(wire, TYPHOON, "台风登陆广东。", 20, language="zh")
    cn = _source(workspace, "Google CN", SourceKind.GOOGLE_TRENDS, options={"geo": "CN"})
    hk = _source(workspace, "Google HK", SourceKind.GOOGLE_TRENDS, options={"geo": "HK"})
    _item(cn, "台风", minutes_ago=120, signals={"traffic": 50000}, language="zh")
    _item(hk, "台风", minutes_ago=120, signals={"traffic": 2000}, language="zh")
    _item(ledger, "Sony unveils PlayStation 6 with ray tracing chip", minutes_ago=20)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[typhoon.pk])
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    trend = _trend(typhoon)
    expected = 1 + 0.5 * engagement_score(SourceKind.GOOGLE_TRENDS, {"traffic": 50000})
    assert trend.search_factor == pytest.approx(expected, rel=1e-4)
    assert trend.signals["search"] == [{"term": "台风", "traffic": 50000, "geo": "CN"}]  # the stronger country
    assert trend.why_rising == ["Google searches 50K+ for “台风”"]


@pytest.mark.django_db
def test_weights_zero_turn_signals_off_and_signals_clear_when_they_age_out(workspace, signalled):
    settings = trend_settings_for(workspace_id=workspace.pk)
    settings.signal_weight = 0.0
    settings.search_weight = 0.0
    settings.save()
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    outage = _trend(signalled["outage"][0])
    assert outage.engagement_factor == 1.0 and outage.search_factor == 1.0
    assert outage.signals["top"]  # still recorded: the editor sees what the sources report
    settings.signal_weight, settings.search_weight = 1.0, 0.5
    settings.save()
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    assert _trend(signalled["outage"][0]).engagement_factor > 1
    trends_rank(workspace_id=workspace.pk, broadcast=False, now=timezone.now() + dt.timedelta(days=10))
    assert not Trend.objects.exclude(signals={}).exists()
    assert set(Trend.objects.values_list("engagement_factor", flat=True)) == {1.0}


@pytest.mark.django_db
def test_trusted_sources_weigh_more_and_noisy_ones_less(workspace):
    trusted = _source(workspace, "Agency", trust=SourceTrust.TRUSTED)
    noisy = _source(workspace, "Aggregator", trust=SourceTrust.NOISY)
    a = _item(trusted, "Ливни затопили Порт-Алдер, тысячи эвакуированы", minutes_ago=5, language="ru")
    b = _item(noisy, "Sony unveils PlayStation 6 with ray tracing chip", minutes_ago=5)
    items_assign_to_trends(workspace_id=workspace.pk, item_ids=[a.pk, b.pk])
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    ta, tb = _trend(a), _trend(b)
    assert ta.decay == pytest.approx(3 * tb.decay, rel=0.01)  # 1.5 against 0.5


@pytest.mark.django_db
def test_trend_page_and_api_show_why_it_is_rising(writer, workspace, signalled, client_for, api_client_for):
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    outage = _trend(signalled["outage"][0])
    page = client_for(writer).get(f"/app/trends/{outage.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Why it is rising" in html and "320 HN points" in html and "1.2k reposts on Bluesky" in html
    listing = client_for(writer).get("/app/trends/").content.decode()
    assert "Why it is rising:" in listing
    body = api_client_for(writer, workspace).get(f"/api/v1/trends/{outage.pk}/").json()
    assert body["engagement_factor"] > 1 and "320 HN points" in body["why_rising"]
    assert {"kind": "hacker_news", "signal": "points", "value": 320, "items": 1} in body["signals"]["top"]
    flood = _trend(signalled["flood"][0])
    plain = api_client_for(writer, workspace).get(f"/api/v1/trends/{flood.pk}/").json()
    assert plain["signals"] == {"top": [], "search": []} and plain["why_rising"] == []


def test_search_terms_match_across_scripts():
    assert matches("台风", "强台风袭击上海 数千人撤离")
    assert matches("地震", "東京で震度5強の地震")
    assert matches("대통령 선거", "대통령 선거 결과 발표")
    assert matches("Moskva", "Пожар в Москве") and matches("Zelensky", "Зеленский встретился с Макроном")
    assert matches("выборы в молдове", "Молдова: итоги выборов президента")
    assert matches("Eurovision 2026", "Eurovision 2026 final: Sweden wins")
    assert not matches("taylor swift", "SWIFT banking code changes") and not matches("the", "the news")


@given(st.text(max_size=40))
def test_a_term_always_matches_its_own_words(text):
    assert not term_words(text) or matches(text, text)


@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_compact_numbers_are_short(value):
    assert len(compact(value)) <= 6 and (value < 1000) == compact(value).isdigit()
    assert traffic_label(value).endswith("+") or value == 0


def test_why_rising_survives_junk():
    assert why_rising(None) == [] and why_rising({"top": [{"kind": "x"}], "search": ["bad"]}) == []
    assert why_rising({"top": [{"kind": "reddit", "signal": "score", "value": 1}]}) == ["1 upvote on Reddit"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_trend_page_in_chromium_says_why_it_is_rising(asgi_live_server, page, members, workspace, signalled):
    trends_rank(workspace_id=workspace.pk, broadcast=False)
    outage = _trend(signalled["outage"][0])
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/trends/{outage.pk}/")
    panel = page.locator("section.why-rising")
    assert panel.get_attribute("aria-labelledby") == "why-rising-h"
    reasons = panel.locator("li").all_inner_texts()
    assert "320 HN points" in reasons and "1.2k reposts on Bluesky" in reasons
    page.screenshot(path=str(ARTIFACTS / "trend-why-rising.png"), full_page=True)
    page.goto(f"{asgi_live_server.url}/app/trends/")
    assert "320 HN points" in page.locator(f".trend-row[data-trend-id='{outage.pk}'] .trend-why").inner_text()
