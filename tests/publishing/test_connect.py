"""Connecting accounts, against local servers speaking each platform's protocol (oauth_fakes.py) with
the real client code (authlib's OAuth 2.0 client, our adapters): X and LinkedIn OAuth 2.0 with PKCE,
Mastodon app registration then OAuth, Bluesky app passwords with refreshSession, WordPress
application passwords; refresh before expiry (beat task) and on a 401; revocation; denied and
mismatched answers; a channel whose authorization is gone asks to be reconnected."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from celery import current_app
from django.utils import timezone

from apps.publishing import oauth
from apps.publishing.connecting import tokens_refresh_due
from apps.publishing.crypto import credentials_decrypt
from apps.publishing.dispatcher import dispatch_batch, dispatch_run
from apps.publishing.models import Channel, PublicationState
from apps.publishing.schedule import BEAT_SCHEDULE
from apps.publishing.services import publication_schedule

pytestmark = pytest.mark.django_db


def creds(channel) -> dict:
    channel.refresh_from_db()
    return credentials_decrypt(token=channel.credentials_encrypted)


def follow_platform(client, response):
    """The browser's part: go to the platform's authorize address, come back with its answer."""
    assert response.status_code == 302, response.content[:300]
    answer = httpx.get(response["Location"], follow_redirects=False)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["location"])
    assert back.path == "/app/publishing/oauth/callback/"
    return client.get(f"{back.path}?{back.query}", follow=True)


def create_through_form(client, platform: str, **config) -> tuple:
    form = {"platform": platform, "name": f"{platform} account", "is_active": "on"}
    form.update({f"config_{k}": v for k, v in config.items()})
    response = client.post("/app/publishing/channels/new/", form)
    return Channel.objects.get(name=f"{platform} account"), response


def test_x_connect_with_pkce_end_to_end(client_for, publisher, post, fake, oauth_settings):
    client = client_for(publisher)
    channel, response = create_through_form(client, "x")
    # "Save and connect" goes straight to X's authorize endpoint with state and an S256 challenge.
    authorize = urlsplit(response["Location"])
    params = parse_qs(authorize.query)
    assert authorize.path == "/i/oauth2/authorize"
    assert params["client_id"] == ["x-client"] and params["response_type"] == ["code"]
    assert params["code_challenge_method"] == ["S256"] and len(params["code_challenge"][0]) == 43
    assert len(params["state"][0]) >= 32 and "offline.access" in params["scope"][0]
    assert "verifier" not in response["Location"]
    page = follow_platform(client, response).content.decode()
    assert "Account connected: newsroom" in page
    stored = creds(channel)
    assert stored["access_token"].startswith("x-at-") and stored["refresh_token"].startswith("x-rt-")
    assert channel.config["username"] == "newsroom" and not channel.needs_reconnect
    assert abs((channel.credentials_expire_at - timezone.now()).total_seconds() - 7200) < 60
    [exchange] = fake.oauth.token_requests
    assert exchange["auth"] == "basic" and exchange["form"]["grant_type"] == "authorization_code"
    assert exchange["form"]["code_verifier"] and "client_secret" not in exchange["form"]
    assert stored["access_token"] not in page and stored["refresh_token"] not in page
    # The new token publishes.
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert fake.requests[-1]["headers"]["Authorization"] == f"Bearer {stored['access_token']}"


def test_linkedin_connect_fills_the_author_and_posts(client_for, publisher, post, fake, oauth_settings):
    client = client_for(publisher)
    channel, response = create_through_form(client, "linkedin")
    assert urlsplit(response["Location"]).path == "/oauth/v2/authorization"
    page = follow_platform(client, response).content.decode()
    assert "Account connected: Ада Lovelace 🧮" in page
    channel.refresh_from_db()
    assert channel.config["author_urn"] == "urn:li:person:abc123"
    [exchange] = fake.oauth.token_requests
    assert exchange["auth"] == "post" and exchange["form"]["client_secret"] == "li-secret"
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert list(fake.linkedin_posts.values())[0]["author"] == "urn:li:person:abc123"


def test_mastodon_registers_an_app_on_the_instance_then_connects(client_for, publisher, fake, settings):
    client = client_for(publisher)
    channel, response = create_through_form(client, "mastodon", base_url=fake.url)
    assert response["Location"] == f"/app/publishing/channels/{channel.pk}/"
    page = client.get(response["Location"])
    assert "Connect account" in page.content.decode()
    assert f"form-action 'self' {fake.url}" in page["Content-Security-Policy"]
    response = client.post(f"/app/publishing/channels/{channel.pk}/connect/")
    [registration] = fake.oauth.apps_registered
    assert registration["redirect_uris"] == "http://testserver/app/publishing/oauth/callback/"
    assert registration["scopes"] == "read write"
    assert urlsplit(response["Location"]).path == "/oauth/authorize"
    page = follow_platform(client, response).content.decode()
    assert "Account connected: news" in page
    stored = creds(channel)
    assert stored["client_id"].startswith("masto-client-") and stored["access_token"].startswith("mastodon-at-")
    assert channel.credentials_expire_at is None  # Mastodon tokens do not expire
    # Reconnecting reuses the registered app.
    follow_platform(client, client.post(f"/app/publishing/channels/{channel.pk}/connect/"))
    assert len(fake.oauth.apps_registered) == 1
    assert creds(channel)["access_token"] != stored["access_token"]


def test_denied_access_connects_nothing(client_for, publisher, fake, oauth_settings):
    client = client_for(publisher)
    fake.oauth.deny = True
    channel, response = create_through_form(client, "x")
    page = follow_platform(client, response).content.decode()
    assert "did not grant access" in page and "access_denied" in page
    assert "access_token" not in creds(channel)
    assert fake.oauth.token_requests == []


def test_state_mismatch_is_refused_and_nothing_is_stored(client_for, publisher, fake, oauth_settings):
    client = client_for(publisher)
    channel, response = create_through_form(client, "x")
    answer = httpx.get(response["Location"], follow_redirects=False)
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    forged = client.get(
        "/app/publishing/oauth/callback/", {"code": query["code"][0], "state": "someone-elses-state"}, follow=True
    )
    assert "state mismatch" in forged.content.decode()
    assert "access_token" not in creds(channel) and fake.oauth.token_requests == []
    # The same answer cannot be replayed after the real one was used either.
    good = client.get("/app/publishing/oauth/callback/", {"code": query["code"][0], "state": query["state"][0]})
    assert good.status_code == 302 and creds(channel)["access_token"]
    again = client.get("/app/publishing/oauth/callback/", {"code": query["code"][0], "state": query["state"][0]})
    assert "state mismatch" in client.get(again["Location"]).content.decode()


def test_the_platform_checks_the_pkce_verifier(client_for, publisher, fake, oauth_settings):
    client = client_for(publisher)
    channel, response = create_through_form(client, "x")
    session = client.session
    store = session["publishing_oauth"]
    for pending in store.values():
        pending["verifier"] = "not-the-verifier-that-made-the-challenge-" + "x" * 20
    session["publishing_oauth"] = store
    session.save()
    page = follow_platform(client, response).content.decode()
    assert "code_verifier does not match" in page
    assert "access_token" not in creds(channel)


@pytest.mark.parametrize("fault", ["500", "reset", "timeout", "400", "429"])
def test_a_failing_token_endpoint_is_reported(client_for, publisher, fake, oauth_settings, fault):
    client = client_for(publisher)
    channel, response = create_through_form(client, "x")
    fake.inject("/2/oauth2/token", fault)
    page = follow_platform(client, response).content.decode()
    assert "The platform refused the sign-in" in page
    assert "access_token" not in creds(channel)


def test_only_channel_managers_may_connect(client_for, members, make_channel, fake, oauth_settings):
    channel = make_channel("x")
    response = client_for(members["writer"]).post(f"/app/publishing/channels/{channel.pk}/connect/")
    assert not response["Location"].startswith(fake.url)
    assert fake.oauth.codes == {} and not [r for r in fake.requests if "oauth2" in r["path"]]


def test_no_oauth_app_configured_says_so(client_for, publisher, fake, settings):
    settings.PUBLISHING_X_CLIENT_ID = ""
    client = client_for(publisher)
    channel, response = create_through_form(client, "x")
    page = client.get(response["Location"]).content.decode()
    assert "No OAuth app is configured for X" in page


def connected_x(client_for, publisher, fake) -> Channel:
    client = client_for(publisher)
    channel, response = create_through_form(client, "x")
    follow_platform(client, response)
    channel.refresh_from_db()
    return channel


def test_a_401_refreshes_once_and_retries(client_for, publisher, post, fake, oauth_settings):
    channel = connected_x(client_for, publisher, fake)
    before = creds(channel)
    fake.oauth.expire_access(before["access_token"])  # its two hours are over
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED, publication.last_error
    after = creds(channel)
    assert after["access_token"] != before["access_token"] and after["refresh_token"] != before["refresh_token"]
    assert before["refresh_token"] not in fake.oauth.refresh_tokens  # rotated: the old one is spent
    tweets = [r for r in fake.requests if r["path"] == "/2/tweets"]
    assert [t["headers"]["Authorization"] for t in tweets] == [
        f"Bearer {before['access_token']}",
        f"Bearer {after['access_token']}",
    ]
    assert publication.attempt_log.count() == 1


def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(client_for, publisher, fake, oauth_settings):
    channel = connected_x(client_for, publisher, fake)
    stale = creds(channel)["access_token"]
    first = oauth.token_refresh(channel_id=channel.pk, stale_access_token=stale)
    second = oauth.token_refresh(channel_id=channel.pk, stale_access_token=stale)
    assert first["access_token"] == second["access_token"]
    assert len([r for r in fake.oauth.token_requests if r["form"]["grant_type"] == "refresh_token"]) == 1


def test_revoked_authorization_asks_to_reconnect_and_publications_wait(
    client_for, publisher, post, fake, oauth_settings
):
    channel = connected_x(client_for, publisher, fake)
    fake.oauth.revoke_everything()  # the person removed the app on X
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=3)
    publication.refresh_from_db()
    channel.refresh_from_db()
    assert channel.needs_reconnect and "invalid_grant" in channel.last_error
    assert publication.state == PublicationState.PENDING and "reconnected" in publication.last_error
    client = client_for(publisher)
    overview = client.get("/app/publishing/").content.decode()
    assert 'data-health="reconnect"' in overview and "needs reconnecting" in overview
    assert "waiting: channel needs reconnecting" in overview
    page = client.get(f"/app/publishing/channels/{channel.pk}/").content.decode()
    assert "Needs reconnecting." in page and ">Reconnect<" in page
    # Reconnecting releases the waiting publication.
    follow_platform(client, client.post(f"/app/publishing/channels/{channel.pk}/connect/"))
    channel.refresh_from_db()
    assert not channel.needs_reconnect and channel.last_error == ""
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED


def test_beat_task_refreshes_tokens_before_they_expire(client_for, publisher, fake, oauth_settings):
    assert "publishing.refresh_tokens" in current_app.tasks
    assert any(entry["task"] == "publishing.refresh_tokens" for entry in BEAT_SCHEDULE.values())
    channel = connected_x(client_for, publisher, fake)
    before = creds(channel)
    assert tokens_refresh_due() == {"refreshed": 0, "gone": 0, "failed": 0}  # two hours left: not yet
    Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=timezone.now() + dt.timedelta(minutes=5))
    assert tokens_refresh_due()["refreshed"] == 1
    after = creds(channel)
    assert after["access_token"] != before["access_token"]
    assert channel.credentials_expire_at > timezone.now() + dt.timedelta(hours=1)
    # A refused renewal marks the channel instead of failing silently later.
    fake.oauth.revoke_everything()
    Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=timezone.now() + dt.timedelta(minutes=5))
    assert tokens_refresh_due()["gone"] == 1
    channel.refresh_from_db()
    assert channel.needs_reconnect


def test_refresh_with_the_token_endpoint_down_is_not_a_lost_authorization(client_for, publisher, fake, oauth_settings):
    channel = connected_x(client_for, publisher, fake)
    Channel.objects.filter(pk=channel.pk).update(credentials_expire_at=timezone.now() + dt.timedelta(minutes=5))
    fake.inject("/2/oauth2/token", "500")
    assert tokens_refresh_due()["failed"] == 1
    channel.refresh_from_db()
    assert not channel.needs_reconnect  # a 500 is the platform's trouble: try again next tick
    assert tokens_refresh_due()["refreshed"] == 1


def test_disconnect_revokes_the_tokens(client_for, publisher, fake, oauth_settings):
    channel = connected_x(client_for, publisher, fake)
    stored = creds(channel)
    client = client_for(publisher)
    page = client.post(f"/app/publishing/channels/{channel.pk}/disconnect/", follow=True).content.decode()
    assert "Disconnected" in page
    assert stored["refresh_token"] in fake.oauth.revoked
    assert stored["access_token"] not in fake.valid_tokens
    channel.refresh_from_db()
    assert "access_token" not in creds(channel) and channel.needs_reconnect


# --- app passwords ----------------------------------------------------------------------------


def test_bluesky_app_password_session_and_refresh(client_for, publisher, post, fake):
    client = client_for(publisher)
    form = {
        "platform": "bluesky",
        "name": "Bluesky",
        "is_active": "on",
        "config_service": fake.url,
        "config_handle": "news.bsky.social",
        "secret_app_password": "app-pass-1234",
    }
    page = client.post("/app/publishing/channels/new/", form, follow=True).content.decode()
    assert "Connected as news.bsky.social" in page
    channel = Channel.objects.get(name="Bluesky")
    session = creds(channel)
    assert session["accessJwt"] == "jwt-1" and session["refreshJwt"] == "refresh-1"
    # The stored access token expired: refreshSession renews it (no new sign-in with the password).
    fake.bsky_expired_jwts.add("jwt-1")
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED, publication.last_error
    assert fake.bsky_sessions == 2 and creds(channel)["accessJwt"] == "jwt-2"
    assert not [r for r in fake.requests[2:] if r["path"].endswith("createSession")]
    # Refresh token revoked as well: a new session from the app password.
    fake.bsky_expired_jwts.add("jwt-2")
    fake.bsky_refresh_jwts.clear()
    assert client.post(f"/app/publishing/channels/{channel.pk}/check/", follow=True).status_code == 200
    assert creds(channel)["accessJwt"] == "jwt-3"
    assert fake.requests[-2]["path"].endswith("createSession")


def test_bluesky_wrong_app_password_asks_to_reconnect(client_for, publisher, fake):
    client = client_for(publisher)
    form = {
        "platform": "bluesky",
        "name": "Bluesky",
        "is_active": "on",
        "config_service": fake.url,
        "config_handle": "news.bsky.social",
        "secret_app_password": "my-real-password",
    }
    page = client.post("/app/publishing/channels/new/", form, follow=True).content.decode()
    assert "Invalid identifier or password" in page
    channel = Channel.objects.get(name="Bluesky")
    assert channel.needs_reconnect and channel.last_check_ok is False


def test_wordpress_application_password_is_validated_on_save(client_for, publisher, fake):
    client = client_for(publisher)
    form = {
        "platform": "wordpress",
        "name": "Blog",
        "is_active": "on",
        "config_base_url": fake.url,
        "config_username": "editor",
        "secret_app_password": "abcd efgh ijkl",
    }
    page = client.post("/app/publishing/channels/new/", form, follow=True).content.decode()
    assert "Connected as WordPress user" in page
    assert fake.requests[-1]["path"] == "/wp-json/wp/v2/users/me"
    channel = Channel.objects.get(name="Blog")
    page = client.post(
        f"/app/publishing/channels/{channel.pk}/", {**form, "secret_app_password": "wrong"}, follow=True
    ).content.decode()
    assert "You are not currently logged in" in page
    channel.refresh_from_db()
    assert channel.needs_reconnect and "reconnect" in channel.last_error


def test_token_endpoint_down_during_a_send_retries_later(client_for, publisher, post, fake, oauth_settings):
    channel = connected_x(client_for, publisher, fake)
    fake.oauth.expire_access(creds(channel)["access_token"])
    fake.inject("/2/oauth2/token", "500")
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_batch(worker="w1")
    publication.refresh_from_db()
    channel.refresh_from_db()
    assert (
        publication.state == PublicationState.PENDING and "Could not renew the access token" in publication.last_error
    )
    assert not channel.needs_reconnect  # the authorization may be fine: the platform had trouble
    publication.next_attempt_at = timezone.now()
    publication.save(update_fields=["next_attempt_at"])
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
