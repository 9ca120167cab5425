from __future__ import annotations

import pytest

from apps.posts.models import PostState
from apps.publishing import ratelimit
from apps.publishing.services import channel_create

from ..factories import make_post as _make_post
from .fakes import FakePlatforms

BODY_HTML = "<p>Rivers are rising. Towns prepare sandbags.</p><p>Forecasters expect more rain this week.</p>"


@pytest.fixture
def fake():
    server = FakePlatforms().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _publishing_settings(settings):
    settings.PUBLISHING_HTTP_TIMEOUT = 0.6
    settings.SITE_URL = "http://testserver"
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True  # the fake platforms listen on 127.0.0.1
    from apps.publishing import dispatcher

    dispatcher._http = None
    r = ratelimit.client()
    if r is not None:
        keys = list(r.scan_iter(f"{ratelimit.key_prefix()}*"))
        if keys:
            r.delete(*keys)
    from django.core.cache import cache

    cache.clear()
    yield
    dispatcher._http = None


@pytest.fixture
def make_post(workspace, writer):
    """An approved post by the writer, made through the posts service (tests/factories.make_post);
    body_text gives it one paragraph of that text instead of the two about the rivers."""

    def make(*, body_text: str | None = None, **kwargs):
        body = {"text": body_text} if body_text is not None else {"body_html": BODY_HTML}
        defaults = {
            "title": "Rivers are rising across Europe",
            "excerpt": "Rivers are rising and towns are preparing.",
            "tags": ["climate", "floods"],
            "state": PostState.APPROVED,
            **body,
        }
        return _make_post(workspace=workspace, user=writer, **{**defaults, **kwargs})

    return make


@pytest.fixture
def post(make_post):
    return make_post()


CHANNEL_SPECS = {
    "webhook": ({"url": "{base}/hook"}, {"secret": "hook-secret"}),
    "wordpress": ({"base_url": "{base}", "username": "editor"}, {"app_password": "abcd efgh ijkl"}),
    "mastodon": ({"base_url": "{base}"}, {"access_token": "good-token"}),
    "telegram": ({"chat_id": "@newsroom", "base_url": "{base}"}, {"bot_token": "123:good"}),
    "discord": ({}, {"webhook_url": "{base}/api/webhooks/42/hooktoken"}),
    "bluesky": ({"service": "{base}", "handle": "news.bsky.social"}, {"app_password": "app-pass-1234"}),
    "x": ({"base_url": "{base}", "username": "newsroom"}, {"access_token": "good-token"}),
    "linkedin": ({"base_url": "{base}", "author_urn": "urn:li:organization:5"}, {"access_token": "good-token"}),
    "newsletter": ({"from_email": "news@example.com"}, {}),
    "site": ({}, {}),
}


@pytest.fixture
def make_channel(workspace, publisher, fake):
    def make(platform: str, *, name: str | None = None, **kwargs):
        config, secrets = CHANNEL_SPECS[platform]
        fill = lambda d: {k: v.replace("{base}", fake.url) if isinstance(v, str) else v for k, v in d.items()}  # noqa: E731
        return channel_create(
            user=publisher,
            workspace=workspace,
            name=name or f"{platform} channel",
            platform=platform,
            config={**fill(config), **kwargs.pop("config", {})},
            secrets=fill(secrets),
            **kwargs,
        )

    return make


@pytest.fixture
def oauth_settings(settings, fake):
    """X's and LinkedIn's OAuth endpoints and APIs pointed at the local fake platforms."""
    from .oauth_fakes import LINKEDIN_CLIENT, X_CLIENT

    settings.PUBLISHING_X_CLIENT_ID, settings.PUBLISHING_X_CLIENT_SECRET = X_CLIENT
    settings.PUBLISHING_X_AUTHORIZE_URL = f"{fake.url}/i/oauth2/authorize"
    settings.PUBLISHING_X_TOKEN_URL = f"{fake.url}/2/oauth2/token"
    settings.PUBLISHING_X_REVOKE_URL = f"{fake.url}/2/oauth2/revoke"
    settings.PUBLISHING_X_API_URL = fake.url
    settings.PUBLISHING_LINKEDIN_CLIENT_ID, settings.PUBLISHING_LINKEDIN_CLIENT_SECRET = LINKEDIN_CLIENT
    settings.PUBLISHING_LINKEDIN_AUTHORIZE_URL = f"{fake.url}/oauth/v2/authorization"
    settings.PUBLISHING_LINKEDIN_TOKEN_URL = f"{fake.url}/oauth/v2/accessToken"
    settings.PUBLISHING_LINKEDIN_REVOKE_URL = f"{fake.url}/oauth/v2/revoke"
    settings.PUBLISHING_LINKEDIN_API_URL = fake.url
    return settings
