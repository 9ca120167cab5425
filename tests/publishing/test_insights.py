"""Best time to post and the engagement forecast, on simulated histories with known effects."""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pytest
from django.core.cache import cache
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.publishing import insights
from apps.publishing.insights import Sample, best_time, cross_validate, ridge_fit
from apps.publishing.models import EngagementMetric, Publication, PublicationState

pytestmark = pytest.mark.django_db


def simulate(n: int, *, seed: int = 7, channels=(1, 2)) -> list[Sample]:
    """Engagement = 20 x (x3 at 09:00) x (x2 with media) x (x1.5 on channel 2), with log-normal noise."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        channel = rng.choice(channels)
        hour = rng.choice([9, 13, 18, 22])
        media = rng.random() < 0.5
        mean = 20 * (3 if hour == 9 else 1) * (2 if media else 1) * (1.5 if channel == 2 else 1)
        out.append(
            Sample(
                channel_id=channel,
                persona_id=rng.choice([0, 5]),
                weekday=rng.randrange(7),
                hour=hour,
                length=rng.randrange(80, 2000),
                media=media,
                engagement=int(mean * math.exp(rng.gauss(0, 0.3))),
            )
        )
    return out


def test_the_forecast_learns_planted_effects_and_beats_the_median():
    samples = simulate(200)
    evaluation = cross_validate(samples)
    assert evaluation.enough and evaluation.mae < 0.6 * evaluation.baseline_mae
    model = ridge_fit(samples)
    base = Sample(channel_id=1, persona_id=0, weekday=2, hour=13, length=500, media=False, engagement=0)
    at_nine = Sample(**{**base.__dict__, "hour": 9})
    with_media = Sample(**{**base.__dict__, "media": True})
    p_base, p_nine, p_media = model.predict([base, at_nine, with_media])
    assert 2.2 < p_nine / p_base < 3.8 and 1.6 < p_media / p_base < 2.5
    assert 14 < p_base < 30


def test_below_the_threshold_there_is_no_forecast_and_no_best_time():
    few = simulate(insights.MIN_FORECAST_HISTORY - 1)
    assert not cross_validate(few).enough and cross_validate(few).mae is None
    one_channel = [s for s in simulate(40) if s.channel_id == 1][: insights.MIN_CHANNEL_HISTORY - 1]
    result = best_time(channel_id=1, samples=one_channel)
    assert not result.enough and result.best is None and result.history == insights.MIN_CHANNEL_HISTORY - 1


def test_best_time_finds_the_strong_slot_and_does_not_crown_a_single_lucky_post():
    samples = [
        Sample(channel_id=1, persona_id=0, weekday=1, hour=9, length=300, media=False, engagement=60 + i)
        for i in range(6)
    ]
    samples += [
        Sample(channel_id=1, persona_id=0, weekday=4, hour=h, length=300, media=False, engagement=10)
        for h in (13, 14, 15, 16, 17, 18)
    ]
    # One post at 3 a.m. did very well once.
    samples.append(Sample(channel_id=1, persona_id=0, weekday=6, hour=3, length=300, media=False, engagement=90))
    result = best_time(channel_id=1, samples=samples)
    assert result.enough and (result.best.weekday, result.best.hour) == (1, 9)
    assert result.next_at > timezone.now() and timezone.localtime(result.next_at).hour == 9


@hsettings(max_examples=25, deadline=None)
@given(
    engagements=st.lists(st.integers(min_value=0, max_value=10**7), min_size=3, max_size=40),
    hour=st.integers(0, 23),
    length=st.integers(0, 10**6),
)
def test_predictions_are_finite_and_never_negative(engagements, hour, length):
    samples = [
        Sample(
            channel_id=i % 3,
            persona_id=0,
            weekday=i % 7,
            hour=(i * 5) % 24,
            length=i * 40,
            media=i % 2 == 0,
            engagement=e,
        )
        for i, e in enumerate(engagements)
    ]
    model = ridge_fit(samples)
    unseen = Sample(channel_id=99, persona_id=42, weekday=3, hour=hour, length=length, media=True, engagement=0)
    value = model.predict([unseen])[0]
    assert np.isfinite(value) and value >= 0


@pytest.fixture
def measured_history(workspace, make_post, make_channel):
    """30 published, measured posts on one Mastodon channel: the 09:00 ones draw five times more."""
    cache.clear()
    channel = make_channel("mastodon")
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday() + 14)
    for i in range(30):
        hour = 9 if i % 3 == 0 else 16
        when = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=i % 7), dt.time(hour)))
        publication = Publication.objects.create(
            workspace=workspace,
            post=make_post(title=f"Story {i}"),
            channel=channel,
            state=PublicationState.PUBLISHED,
            due_at=when,
            next_attempt_at=when,
            published_at=when,
            content={"parts": ["x" * (100 + 10 * i)], "media": []},
        )
        EngagementMetric.objects.create(publication=publication, measured_at=when, likes=50 if hour == 9 else 10)
    return channel


def test_the_insights_page_and_the_publish_panel_offer_best_time_and_forecast(
    client_for, publisher, measured_history, make_post
):
    client = client_for(publisher)
    page = client.get("/app/publishing/insights/").content.decode()
    assert "cross-validated" in page and "Fitted on 30 measured publications" in page
    assert " 09:00 — about" in page
    post = make_post(title="Наводнения в Европе 👨‍👩‍👧")
    due = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(hour=9, minute=0)
    panel = client.get(
        f"/app/publishing/posts/{post.pk}/panel/",
        {"channels": measured_history.pk, "when": "later", "due_at": due.strftime("%Y-%m-%dT%H:%M")},
    ).content.decode()
    assert "data-use-time=" in panel and "best: " in panel
    assert "Forecast for" in panel and "past posts" in panel
    later = due.replace(hour=16)
    evening = client.get(
        f"/app/publishing/posts/{post.pk}/panel/",
        {"channels": measured_history.pk, "when": "later", "due_at": later.strftime("%Y-%m-%dT%H:%M")},
    ).content.decode()

    def figure(html):
        return int(html.split("Forecast for")[1].split("about ")[1].split(" ")[0])

    assert figure(panel) > 2 * figure(evening)


def test_empty_workspace_says_not_enough_data(client_for, publisher, make_channel, post):
    cache.clear()
    channel = make_channel("mastodon")
    page = client_for(publisher).get("/app/publishing/insights/").content.decode()
    assert "Not enough data yet: 0 of 10" in page and "the forecast needs 20 measured publications" in page
    panel = client_for(publisher).get(f"/app/publishing/posts/{post.pk}/panel/", {"channels": channel.pk}).content
    assert b"Forecast: not enough data yet (0 of 20" in panel and b"best time: not enough data yet" in panel
