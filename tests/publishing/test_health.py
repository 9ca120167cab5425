"""Honest channel health: "Test connection" makes a real, harmless request (webhook: a signed ping the
receiver can tell apart; accounts: "who am I") and reports what happened; failing channels show red
with the last error and its time; failures in a row pause a channel, whose publications wait (none
lost) until it is resumed."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import string

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.publishing.crypto import credentials_decrypt, credentials_encrypt
from apps.publishing.dispatcher import dispatch_batch, dispatch_run
from apps.publishing.models import Channel, Publication, PublicationState
from apps.publishing.oauth import pkce_pair
from apps.publishing.services import channel_update, publication_schedule

from .oauth_fakes import s256

pytestmark = pytest.mark.django_db


def closed_port_url() -> str:
    """An address on this machine where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def test_webhook_test_sends_a_signed_ping_the_receiver_can_tell_apart(client_for, publisher, make_channel, fake):
    channel = make_channel("webhook")
    page = client_for(publisher).post(f"/app/publishing/channels/{channel.pk}/check/", follow=True).content.decode()
    assert "Connection works: the receiver answered HTTP 200 to a signed ping" in page
    [ping] = [r for r in fake.requests if r["path"] == "/hook"]
    headers = ping["headers"]
    assert headers["X-Trendoscope-Event"] == "ping" and headers["Idempotency-Key"].startswith("ping-")
    assert ping["json"]["event"] == "ping" and ping["json"]["channel"] == channel.name
    body = json.dumps(ping["json"], separators=(",", ":"), sort_keys=True).encode()
    expected = hmac.new(b"hook-secret", headers["X-Trendoscope-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-Trendoscope-Signature"] == f"sha256={expected.hexdigest()}"
    channel.refresh_from_db()
    assert channel.last_check_ok is True and channel.last_error == ""
    assert not Publication.objects.exists()  # a ping is not a publication


def test_nothing_listening_is_a_clear_failure_shown_in_red(client_for, publisher, make_channel):
    url = closed_port_url()
    channel = make_channel("webhook", config={"url": url})
    client = client_for(publisher)
    page = client.post(f"/app/publishing/channels/{channel.pk}/check/", follow=True).content.decode()
    port = url.split(":")[2].split("/")[0]
    assert "Connection works" not in page
    assert f"The test failed: connection failed: nothing answered at 127.0.0.1:{port}" in page
    channel.refresh_from_db()
    assert channel.last_check_ok is False and channel.last_error_at is not None
    overview = client.get("/app/publishing/").content.decode()
    assert 'class="channel-row channel-failing"' in overview
    assert f"nothing answered at 127.0.0.1:{port}" in overview and " ago</time>" in overview
    assert ">ok</span>" not in overview


@pytest.mark.parametrize(
    ("secret", "fault", "expected"),
    [("wrong-secret", None, "HTTP 401: bad signature"), ("hook-secret", "500", "HTTP 500")],
)
def test_receiver_refusals_are_reported(client_for, publisher, make_channel, fake, secret, fault, expected):
    channel = make_channel("webhook")
    channel_update(user=publisher, channel=channel, secrets={"secret": secret})
    if fault:
        fake.inject("/hook", fault)
    page = client_for(publisher).post(f"/app/publishing/channels/{channel.pk}/check/", follow=True).content.decode()
    assert f"The test failed: {expected}" in page


def test_our_own_site_has_nothing_to_test(client_for, publisher, make_channel):
    channel = make_channel("site")
    page = client_for(publisher).post(f"/app/publishing/channels/{channel.pk}/check/", follow=True).content.decode()
    assert "no outside account to test" in page and "Connection works" not in page


@pytest.mark.parametrize(
    ("platform", "account"),
    [
        ("wordpress", "WordPress user"),
        ("mastodon", "@news"),
        ("telegram", "@"),
        ("discord", "Newsroom hook"),
        ("bluesky", "news.bsky.social"),
        ("x", "@newsroom"),
        ("linkedin", "Ада Lovelace"),
    ],
)
def test_every_platform_answers_who_am_i(api_client_for, publisher, make_channel, fake, platform, account):
    channel = make_channel(platform)
    response = api_client_for(publisher, channel.workspace).post(f"/api/v1/publishing/channels/{channel.pk}/check/")
    assert response.status_code == 200, response.content
    assert response.json()["ok"] is True and account in response.json()["account"]
    assert fake.requests, "a real request was made"


def test_api_check_failure_says_what_happened(api_client_for, publisher, make_channel):
    channel = make_channel("webhook", config={"url": closed_port_url()})
    response = api_client_for(publisher, channel.workspace).post(f"/api/v1/publishing/channels/{channel.pk}/check/")
    assert response.status_code == 400
    assert "nothing answered" in json.dumps(response.json())
    assert api_client_for(publisher, channel.workspace).get(f"/api/v1/publishing/channels/{channel.pk}/").json()[
        "health"
    ] == ("failing")


def test_failures_in_a_row_pause_the_channel_and_publications_wait(
    client_for, publisher, make_channel, make_post, fake, settings
):
    settings.PUBLISHING_PAUSE_AFTER_FAILURES = 3
    channel = make_channel("webhook", config={"url": closed_port_url()})
    posts = [make_post(title=f"Заголовок {i} 日本 🏳️‍🌈") for i in range(5)]
    publications = [
        publication_schedule(user=publisher, post=p, channels=[channel], due_at=timezone.now())[0] for p in posts
    ]
    dispatch_batch(worker="w1")
    channel.refresh_from_db()
    assert channel.paused_at is not None and channel.consecutive_failures == 3
    assert "3 failed deliveries in a row" in channel.paused_reason and "nothing answered" in channel.paused_reason
    states = {p.pk: (p.state, p.attempts) for p in Publication.objects.filter(pk__in=[x.pk for x in publications])}
    assert all(state == PublicationState.PENDING for state, _n in states.values())  # none lost, none failed
    assert sorted(n for _s, n in states.values()) == [0, 0, 1, 1, 1]  # the last two were not even tried
    # The dispatcher leaves a paused channel alone, even when its rows are due.
    Publication.objects.update(next_attempt_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=2)
    assert sum(Publication.objects.values_list("attempts", flat=True)) == 3
    client = client_for(publisher)
    overview = client.get("/app/publishing/").content.decode()
    assert 'data-health="paused"' in overview and "waiting: channel paused" in overview
    page = client.get(f"/app/publishing/channels/{channel.pk}/").content.decode()
    assert "Paused" in page and "5 publications are waiting for this channel." in page and ">Resume<" in page
    # Fixed (a receiver at last) and resumed: every waiting publication goes out.
    channel_update(
        user=publisher, channel=channel, config={"url": f"{fake.url}/hook"}, secrets={"secret": "hook-secret"}
    )
    client.post(f"/app/publishing/channels/{channel.pk}/resume/")
    channel.refresh_from_db()
    assert channel.paused_at is None and channel.consecutive_failures == 0
    Publication.objects.update(next_attempt_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=5)
    assert set(Publication.objects.values_list("state", flat=True)) == {PublicationState.PUBLISHED}
    channel.refresh_from_db()
    assert channel.last_error == "" and channel.health == "ok"


def test_rate_limits_do_not_count_and_a_success_resets_the_count(publisher, make_channel, make_post, fake, settings):
    settings.PUBLISHING_PAUSE_AFTER_FAILURES = 2
    channel = make_channel("webhook")
    fake.inject("/hook", "429:0", "429:0", "429:0", "500")
    [publication] = publication_schedule(user=publisher, post=make_post(), channels=[channel], due_at=timezone.now())
    for _attempt in range(4):
        Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
        dispatch_batch(worker="w1")
    channel.refresh_from_db()
    assert channel.consecutive_failures == 1 and channel.paused_at is None  # three 429s, one 500
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    dispatch_batch(worker="w1")
    channel.refresh_from_db()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert channel.consecutive_failures == 0 and channel.last_error == ""


def test_pausing_is_off_at_zero(publisher, make_channel, make_post, settings):
    settings.PUBLISHING_PAUSE_AFTER_FAILURES = 0
    channel = make_channel("webhook", config={"url": closed_port_url()})
    for i in range(3):
        publication_schedule(user=publisher, post=make_post(title=f"p{i}"), channels=[channel], due_at=timezone.now())
    dispatch_batch(worker="w1")
    channel.refresh_from_db()
    assert channel.paused_at is None and channel.consecutive_failures == 3


@hsettings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["access_token", "refresh_token", "accessJwt", "client_secret"]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80),
        min_size=1,
    )
)
def test_tokens_round_trip_through_the_encrypted_credentials(secrets):
    assert credentials_decrypt(token=credentials_encrypt(secrets=secrets)) == secrets


@hsettings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=10))
def test_pkce_pairs_follow_rfc_7636(_n):
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128 and set(verifier) <= set(string.ascii_letters + string.digits + "-._~")
    assert challenge == s256(verifier) and len(challenge) == 43


def test_new_credentials_lift_needs_reconnecting(publisher, make_channel):
    channel = make_channel("x")
    Channel.objects.filter(pk=channel.pk).update(needs_reconnect=True, last_error="HTTP 401")
    channel.refresh_from_db()
    channel_update(user=publisher, channel=channel, secrets={"access_token": "good-token"})
    channel.refresh_from_db()
    assert not channel.needs_reconnect and channel.health == "ok"


def test_channel_health_order():
    channel = Channel(is_active=True, last_error="x", paused_at=timezone.now(), needs_reconnect=True)
    assert channel.health == "reconnect"
    channel.needs_reconnect = False
    assert channel.health == "paused"
    channel.paused_at = None
    assert channel.health == "failing"
    channel.is_active = False
    assert channel.health == "disabled"


def test_api_resumes_a_paused_channel(api_client_for, publisher, make_channel, members):
    channel = make_channel("webhook")
    Channel.objects.filter(pk=channel.pk).update(
        paused_at=timezone.now(), paused_reason="5 failed", consecutive_failures=5
    )
    writer = api_client_for(members["writer"], channel.workspace)
    assert writer.post(f"/api/v1/publishing/channels/{channel.pk}/resume/").status_code == 403
    answer = api_client_for(publisher, channel.workspace).post(f"/api/v1/publishing/channels/{channel.pk}/resume/")
    assert answer.status_code == 200 and answer.json()["paused_at"] is None and answer.json()["health"] == "ok"
