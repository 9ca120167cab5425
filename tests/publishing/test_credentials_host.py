"""A channel's stored secrets belong to the host they were given for: pointing the channel somewhere
else (webhook URL, Mastodon instance, WordPress site, Telegram API base, Bluesky service, X/LinkedIn
API base) drops them unless new ones come in the same save, so "check" can never hand the old token
to a host a Publisher chose. Proved with a second local server recording everything it receives."""

from __future__ import annotations

import json

import pytest

from apps.publishing.crypto import credentials_decrypt
from apps.publishing.services import channel_update

from .fakes import FakePlatforms

pytestmark = pytest.mark.django_db

OLD_SECRETS = {
    "webhook": "hook-secret",
    "wordpress": "abcd efgh ijkl",
    "mastodon": "good-token",
    "telegram": "123:good",
    "bluesky": "app-pass-1234",
    "x": "good-token",
    "linkedin": "good-token",
}
URL_KEY = {"webhook": "url", "bluesky": "service"}


@pytest.fixture
def evil():
    server = FakePlatforms().start()
    yield server
    server.stop()


def _seen(server) -> str:
    """Everything the server received (paths, headers, bodies) as one text to search for a secret."""
    return json.dumps(server.requests, default=str)


def _moved_config(channel, base: str) -> dict:
    key = URL_KEY.get(channel.platform, "base_url")
    value = base + ("/hook" if channel.platform == "webhook" else "")
    return {**channel.config, key: value}


@pytest.mark.parametrize("platform", sorted(OLD_SECRETS))
def test_host_change_drops_credentials(make_channel, publisher, evil, platform):
    channel = make_channel(platform)
    assert channel.credentials_encrypted
    channel_update(user=publisher, channel=channel, config=_moved_config(channel, evil.url))
    channel.refresh_from_db()
    assert channel.credentials_encrypted == ""
    assert credentials_decrypt(token=channel.credentials_encrypted) == {}


def test_same_host_keeps_credentials(make_channel, publisher, fake):
    channel = make_channel("webhook")
    channel_update(user=publisher, channel=channel, config={"url": fake.url + "/hook?v=2"})
    channel.refresh_from_db()
    assert credentials_decrypt(token=channel.credentials_encrypted) == {"secret": "hook-secret"}
    mastodon = make_channel("mastodon")
    channel_update(user=publisher, channel=mastodon, config={**mastodon.config, "visibility": "unlisted"})
    mastodon.refresh_from_db()
    assert credentials_decrypt(token=mastodon.credentials_encrypted) == {"access_token": "good-token"}


@pytest.mark.parametrize("platform", ["telegram", "mastodon", "wordpress"])
def test_check_through_the_page_never_sends_old_secret_to_new_host(client_for, make_channel, publisher, evil, platform):
    """The Publisher's way in: edit the channel page's URL field, then press "test connection"."""
    channel = make_channel(platform)
    client = client_for(publisher)
    form = {"name": channel.name, "is_active": "on"}
    for key, value in _moved_config(channel, evil.url).items():
        form[f"config_{key}"] = " ".join(f"#{v}" for v in value) if isinstance(value, list) else value
    response = client.post(f"/app/publishing/channels/{channel.pk}/", form)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "credentials were removed" in page
    channel.refresh_from_db()
    assert channel.credentials_encrypted == ""
    client.post(f"/app/publishing/channels/{channel.pk}/check/")
    assert OLD_SECRETS[platform] not in _seen(evil)
    assert "123%3Agood" not in _seen(evil)  # nor URL-encoded


def test_check_through_the_api_never_sends_old_secret_to_new_host(api_client_for, make_channel, publisher, evil, fake):
    channel = make_channel("telegram")
    api = api_client_for(publisher, channel.workspace)
    moved = api.patch(
        f"/api/v1/publishing/channels/{channel.pk}/",
        {"config": {**channel.config, "base_url": evil.url}},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["has_credentials"] is False
    api.post(f"/api/v1/publishing/channels/{channel.pk}/check/")
    assert "123:good" not in _seen(evil)
    # Coming back to the old host does not bring the old token back either.
    back = api.patch(
        f"/api/v1/publishing/channels/{channel.pk}/",
        {"config": {**channel.config, "base_url": fake.url}},
        format="json",
    )
    assert back.json()["has_credentials"] is False


def test_new_secret_in_the_same_save_is_kept_and_used(api_client_for, make_channel, publisher, evil):
    channel = make_channel("telegram")
    api = api_client_for(publisher, channel.workspace)
    response = api.patch(
        f"/api/v1/publishing/channels/{channel.pk}/",
        {"config": {**channel.config, "base_url": evil.url}, "secrets": {"bot_token": "999:fresh"}},
        format="json",
    )
    assert response.json()["has_credentials"] is True
    api.post(f"/api/v1/publishing/channels/{channel.pk}/check/")
    seen = _seen(evil)
    assert "999:fresh" in seen and "123:good" not in seen


def test_default_api_base_counts_as_a_host(make_channel, publisher, evil):
    """Telegram with no base URL talks to api.telegram.org: setting one is a host change too."""
    channel = make_channel("telegram")
    channel_update(user=publisher, channel=channel, config={"chat_id": "@newsroom"})
    channel.refresh_from_db()
    assert channel.credentials_encrypted == ""
