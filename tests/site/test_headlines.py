"""Headline A/B tests: the split by a random first-party id is stable and even, list views count
impressions and opens from a list count clicks (robots neither), the statistics are the textbook ones,
a confident winner is applied, and the app's pages show it all."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as sps

from apps.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from apps.site.choices import HeadlineTestMethod, HeadlineTestState
from apps.site.headlines import headline_test_apply, headline_test_create, headline_test_stop, headline_tests_tick
from apps.site.models import ArticlePage, HeadlineVariant
from apps.site.stats import Arm, decide, prob_best, textbook_sample_size, z_test
from apps.site.teasers import VISITOR_COOKIE, variant_index

from .conftest import TITLES

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
VARIANTS = [TITLES["zh"], TITLES["ar"], TITLES["mix"]]


@pytest.fixture
def article(post, publish):
    return publish(post)


@pytest.fixture
def test(article, members):
    return headline_test_create(user=members["publisher"], page=article, headlines=VARIANTS[:2], min_impressions=50)


# --- statistics ---------------------------------------------------------------------------------


def test_z_test_matches_the_textbook_formula():
    a, b = Arm(1000, 130), Arm(1000, 100)
    pooled = 230 / 2000
    z = (0.13 - 0.10) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert z_test(a, b) == pytest.approx(sps.norm.sf(z))
    assert z_test(Arm(0, 0), b) == 1.0


def test_decision_needs_confidence_and_minimum_views():
    even = decide([Arm(500, 50), Arm(500, 52)], method="ztest", level=0.95)
    assert even.leader == 1 and not even.significant and even.confidence < 0.9
    clear = decide([Arm(2000, 200), Arm(2000, 300)], method="ztest", level=0.95)
    assert clear.leader == 1 and clear.significant and clear.confidence > 0.999
    too_few = decide([Arm(2000, 200), Arm(2000, 300)], method="ztest", level=0.95, min_impressions=5000)
    assert not too_few.significant
    bayes = decide([Arm(2000, 200), Arm(2000, 300)], method="bayes", level=0.95)
    assert bayes.significant and bayes.prob_best[1] > 0.999 and sum(bayes.prob_best) == pytest.approx(1)


def test_three_variants_are_corrected_for_multiple_comparisons():
    arms = [Arm(1000, 100), Arm(1000, 125), Arm(1000, 101)]
    decision = decide(arms, method="ztest")
    raw = z_test(arms[1], arms[0])
    assert decision.p_values[0] == pytest.approx(min(1, raw * 2))
    assert decision.p_values[1] is None


def test_prob_best_is_reproducible():
    arms = [Arm(100, 10), Arm(100, 12)]
    assert prob_best(arms) == prob_best(arms)


def test_textbook_sample_size():
    # 10 % -> 12 % (20 % lift), alpha 0.05 two-sided, power 0.8: the classic ~3,841 per arm.
    assert textbook_sample_size(base_rate=0.10, lift=0.20) == pytest.approx(3841, abs=5)


# --- the split ------------------------------------------------------------------------------------


@given(st.integers(min_value=1, max_value=10**9), st.text(min_size=1, max_size=40), st.integers(2, 6))
def test_the_split_is_stable(test_id, visitor, count):
    first = variant_index(test_id=test_id, visitor=visitor, count=count)
    assert 0 <= first < count and variant_index(test_id=test_id, visitor=visitor, count=count) == first


def test_the_split_is_even():
    import secrets

    counts = Counter(variant_index(test_id=7, visitor=secrets.token_hex(16), count=3) for _ in range(30000))
    chi2 = sps.chisquare(list(counts.values())).pvalue
    assert chi2 > 0.001 and min(counts.values()) > 9500


# --- on the site ----------------------------------------------------------------------------------


def _reader(client, visitor: str):
    client.cookies[VISITOR_COOKIE] = visitor
    return client


def test_visitors_see_their_variant_and_are_counted(test, article, client):
    variants = list(test.variants.order_by("position"))
    assert [v.headline for v in variants] == [article.title, *VARIANTS[:2]]
    seen = Counter()
    for n in range(60):
        visitor = f"{n:032x}"
        reader = _reader(client, visitor)
        expected = variants[variant_index(test_id=test.pk, visitor=visitor, count=3)]
        listing = reader.get("/newsroom/", HTTP_USER_AGENT=FIREFOX).content.decode()
        assert expected.headline in listing.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        if n % 2 == 0:
            opened = reader.get(f"{article.url}?from=list", HTTP_USER_AGENT=FIREFOX).content.decode()
            assert f"<h1>{expected.headline}" in opened.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            seen[expected.pk] += 1
    for v in HeadlineVariant.objects.filter(test=test):
        assert v.clicks == seen[v.pk]
    assert sum(v.impressions for v in HeadlineVariant.objects.filter(test=test)) == 60


def test_a_new_visitor_gets_a_random_id_cookie_and_robots_none(test, client):
    response = client.get("/newsroom/articles/", HTTP_USER_AGENT=FIREFOX)
    cookie = response.cookies[VISITOR_COOKIE]
    assert len(cookie.value) == 32 and cookie["httponly"] and cookie["samesite"] == "Lax"
    before = sum(v.impressions for v in test.variants.all())
    from django.test import Client

    robot = Client().get("/newsroom/articles/", HTTP_USER_AGENT="Googlebot/2.1")
    assert VISITOR_COOKIE not in robot.cookies
    assert sum(v.impressions for v in test.variants.all()) == before


def test_an_arrival_by_shared_link_is_not_a_click(test, article, client):
    _reader(client, "f" * 32).get(article.url, HTTP_USER_AGENT=FIREFOX)
    assert sum(v.clicks for v in test.variants.all()) == 0


def test_the_tick_applies_a_confident_winner(test, article):
    variants = list(test.variants.order_by("position"))
    HeadlineVariant.objects.filter(pk=variants[0].pk).update(impressions=1000, clicks=80)
    HeadlineVariant.objects.filter(pk=variants[1].pk).update(impressions=1000, clicks=140)
    HeadlineVariant.objects.filter(pk=variants[2].pk).update(impressions=1000, clicks=85)
    assert headline_tests_tick() == 1
    test.refresh_from_db()
    assert test.state == HeadlineTestState.FINISHED and test.winner_id == variants[1].pk
    assert test.confidence > 0.95
    page = ArticlePage.objects.get(pk=article.pk)
    assert page.title == VARIANTS[0] and page.live and not page.has_unpublished_changes
    assert headline_tests_tick() == 0


def test_the_tick_waits_while_unsure(test):
    for v in test.variants.all():
        HeadlineVariant.objects.filter(pk=v.pk).update(impressions=60, clicks=6)
    assert headline_tests_tick() == 0
    test.refresh_from_db()
    assert test.state == HeadlineTestState.RUNNING


def test_rules_for_creating_applying_stopping(article, test, members):
    with pytest.raises(Conflict):
        headline_test_create(user=members["publisher"], page=article, headlines=["Другой заголовок"])
    with pytest.raises(Forbidden):
        headline_test_apply(user=members["writer"], test=test)
    headline_test_stop(user=members["publisher"], test=test)
    with pytest.raises(Conflict):
        headline_test_apply(user=members["publisher"], test=test)
    with pytest.raises(InvalidInput):
        headline_test_create(user=members["publisher"], page=article, headlines=[article.title, "  "])
    bayes = headline_test_create(
        user=members["publisher"], page=article, headlines=["😀 Вариант"], method=HeadlineTestMethod.BAYES
    )
    assert bayes.variants.count() == 2


def test_outsiders_cannot_test_another_workspaces_article(article, outsider):
    with pytest.raises(NotFound):
        headline_test_create(user=outsider, page=article, headlines=["x"])


# --- the app's pages ------------------------------------------------------------------------------


def test_ab_pages(article, members, client_for, outsider):
    client = client_for(members["publisher"])
    overview = client.get("/app/site/").content.decode()
    assert article.title in overview and f"/app/site/articles/{article.pk}/test/" in overview
    response = client.post(
        f"/app/site/articles/{article.pk}/test/",
        {"headline": [VARIANTS[0], VARIANTS[1], ""], "method": "ztest", "confidence": "0.95", "min_impressions": "100"},
    )
    assert response.status_code == 302
    test_url = response["Location"]
    detail = client.get(test_url).content.decode()
    assert "<svg" in detail and "No views yet" in detail and VARIANTS[1].replace("&", "&amp;") in detail
    test = article.headline_tests.get()
    variants = list(test.variants.order_by("position"))
    HeadlineVariant.objects.filter(pk=variants[2].pk).update(impressions=500, clicks=90)
    HeadlineVariant.objects.filter(pk=variants[0].pk).update(impressions=500, clicks=40)
    HeadlineVariant.objects.filter(pk=variants[1].pk).update(impressions=500, clicks=42)
    detail = client.get(test_url).content.decode()
    assert "leads with confidence" in detail and "18.00 %" in detail
    client.post(f"{test_url}apply/", {"variant": variants[2].pk})
    test.refresh_from_db()
    assert test.winner_id == variants[2].pk
    assert ArticlePage.objects.get(pk=article.pk).title == VARIANTS[1]
    assert client_for(outsider).get(test_url).status_code == 404
    writer = client_for(members["writer"]).get(test_url).content.decode()
    assert "Apply the leader now" not in writer


def test_sequential_p_value_is_valid_under_repeated_looks():
    """An A/A test looked at every 100 views up to 8,000: the mSPRT rule declares a winner in at most
    about alpha of the tests, where a plain z-test looked at as often does so far more often."""
    import numpy as np

    from apps.site.stats import msprt_p_value

    rng = np.random.default_rng(1)
    runs, seq_false, plain_false = 200, 0, 0
    for _ in range(runs):
        a = b = 0
        seq_hit = plain_hit = False
        for n in range(100, 8001, 100):
            a += rng.binomial(100, 0.05)
            b += rng.binomial(100, 0.05)
            arm_a, arm_b = Arm(n, a), Arm(n, b)
            seq_hit |= msprt_p_value(arm_a, arm_b) <= 0.05
            plain_hit |= 2 * min(z_test(arm_a, arm_b), z_test(arm_b, arm_a)) <= 0.05
        seq_false += seq_hit
        plain_false += plain_hit
    assert seq_false / runs <= 0.06
    assert plain_false / runs >= 0.2


def test_the_tick_is_scheduled_and_registered(settings):
    from celery import current_app

    current_app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE["site-headline-tests"]["task"] == "site.headline_tests_tick"
    assert "site.headline_tests_tick" in current_app.tasks
