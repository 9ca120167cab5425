"""Tracked links: what goes out to a platform points at /l/<code> (one code per publication, so per
channel), a person's click is counted and sent on, robots are not counted, nothing personal is kept,
and the clicks show up where the app shows engagement."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.publishing import dispatcher
from apps.publishing import http as publishing_http
from apps.publishing.analytics import analytics_summary
from apps.publishing.dispatcher import dispatch_run
from apps.publishing.models import Platform
from apps.publishing.selectors import publications_with_engagement
from apps.publishing.services import channel_create, publication_schedule
from apps.site.bots import is_bot
from apps.site.links import _rewrite, track_publication_links
from apps.site.models import TrackedLink
from tests.publishing.fakes import FakePlatforms

from .conftest import TITLES

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ROBOTS = [
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mastodon/4.2.1 (http.rb/5.1.1; +https://mastodon.social/) Bot",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "TelegramBot (like TwitterBot)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Discordbot/2.0; +https://discordapp.com",
    "WhatsApp/2.23.20.0",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "",
]


@pytest.fixture
def fake(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.PUBLISHING_HTTP_TIMEOUT = 2
    # The publishing HTTP client is made once per process with the timeout of that moment: start and
    # leave with none, so no later test inherits this one's timeout.
    dispatcher._http = publishing_http._http = None
    server = FakePlatforms().start()
    yield server
    server.stop()
    dispatcher._http = publishing_http._http = None


@pytest.fixture
def channels(workspace, publisher, fake):
    site = channel_create(user=publisher, workspace=workspace, name="Our site", platform=Platform.SITE)
    mastodon = channel_create(
        user=publisher,
        workspace=workspace,
        name="Мастодон 🐘",
        platform=Platform.MASTODON,
        config={"base_url": fake.url},
        secrets={"access_token": "good-token"},
    )
    return {"site": site, "mastodon": mastodon}


def _publish(post, publisher, channels):
    publications = publication_schedule(
        user=publisher, post=post, channels=list(channels.values()), due_at=timezone.now()
    )
    dispatch_run(worker="w", budget_seconds=10)
    return {p.channel.platform: p for p in publications}


def test_published_text_carries_the_tracked_link(post, publisher, channels, fake, client):
    pubs = _publish(post, publisher, channels)
    [status] = fake.statuses.values()
    [short] = re.findall(r"http://news\.example:8123/l/[A-Za-z0-9]{8}", status["content"])
    assert "utm_source" not in status["content"]  # the UTM-tagged article link is behind the short link
    link = TrackedLink.objects.get(publication_id=pubs["mastodon"].pk)
    assert short.endswith(link.code)
    assert link.channel_id == channels["mastodon"].pk and link.post_id == post.pk and link.platform == "mastodon"
    assert link.target_url.startswith("http://news.example:8123/newsroom/articles/")
    assert "utm_source=mastodon" in link.target_url
    pubs["mastodon"].refresh_from_db()
    assert pubs["mastodon"].content["link"] == short and pubs["mastodon"].content["target_link"] == link.target_url
    # The site channel's own page is not a tracked link.
    assert not TrackedLink.objects.filter(publication_id=pubs["site"].pk).exists()

    response = client.get(f"/l/{link.code}", HTTP_USER_AGENT=FIREFOX)
    assert response.status_code == 302 and response["Location"] == iri_to_uri(link.target_url)
    # ...which is the live article.
    article = client.get(link.target_url.replace("http://news.example:8123", ""))
    assert article.status_code == 200 and TITLES["ru"] in article.content.decode()
    link.refresh_from_db()
    assert link.clicks == 1 and link.last_click_at is not None


def test_robots_and_previews_are_not_counted(workspace, client):
    link = TrackedLink.objects.create(code="Abc12345", workspace=workspace, target_url="https://news.example/a/")
    for ua in ROBOTS:
        response = client.get("/l/Abc12345", HTTP_USER_AGENT=ua)
        assert response.status_code == 302, ua
    assert client.head("/l/Abc12345", HTTP_USER_AGENT=FIREFOX).status_code in (302, 405)
    client.get("/l/Abc12345", HTTP_USER_AGENT=FIREFOX, HTTP_SEC_PURPOSE="prefetch")
    link.refresh_from_db()
    assert link.clicks == 0
    for _ in range(3):
        client.get("/l/Abc12345", HTTP_USER_AGENT=FIREFOX)
    link.refresh_from_db()
    assert link.clicks == 3


def test_no_personal_data_is_kept(workspace, client):
    link = TrackedLink.objects.create(code="Priv4cy0", workspace=workspace, target_url="https://news.example/a/")
    response = client.get("/l/Priv4cy0", HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.9")
    assert not response.cookies
    fields = {f.name for f in TrackedLink._meta.get_fields()}
    assert fields == {
        "id",
        "code",
        "workspace",
        "target_url",
        "publication_id",
        "channel_id",
        "post_id",
        "platform",
        "clicks",
        "last_click_at",
        "created_at",
    }
    values = [str(v) for v in TrackedLink.objects.filter(pk=link.pk).values().first().values()]
    assert not any("203.0.113.9" in v or "Firefox" in v for v in values)


def test_unknown_code_is_404(client):
    assert client.get("/l/nope0000", HTTP_USER_AGENT=FIREFOX).status_code == 404


def test_clicks_show_where_engagement_is_shown(post, publisher, channels, workspace, client, client_for):
    pubs = _publish(post, publisher, channels)
    code = TrackedLink.objects.get(publication_id=pubs["mastodon"].pk).code
    for _ in range(4):
        client.get(f"/l/{code}", HTTP_USER_AGENT=FIREFOX)
    client.get(f"/l/{code}", HTTP_USER_AGENT="Twitterbot/1.0")
    row = publications_with_engagement(workspace=workspace).get(pk=pubs["mastodon"].pk)
    assert row.m_clicks == 4
    summary = analytics_summary(workspace=workspace, days=7)
    by_channel = {t.label: t.clicks for t in summary["by_channel"]}
    assert by_channel["Мастодон 🐘"] == 4
    page = client_for(publisher).get("/app/publishing/analytics/")
    assert page.status_code == 200
    overview = client_for(publisher).get("/app/site/").content.decode()
    assert "<td>4</td>" in overview


def test_rewriting_again_keeps_the_code(workspace, post):
    content = {"link": "https://news.example/a/?utm_source=x", "parts": ["Text https://news.example/a/?utm_source=x"]}
    first = track_publication_links(
        workspace_id=workspace.pk, post_id=post.pk, publication_id=77, channel_id=5, platform="x", content=content
    )
    again = track_publication_links(
        workspace_id=workspace.pk, post_id=post.pk, publication_id=77, channel_id=5, platform="x", content=first
    )
    assert first == again and TrackedLink.objects.filter(publication_id=77).count() == 1
    assert first["parts"] == [f"Text {first['link']}"]


def test_an_escaped_link_in_html_is_rewritten_too():
    old, new = "https://news.example/a/?utm_source=nl&utm_medium=email", "https://news.example/l/Zz"
    html = f'<a href="{old.replace("&", "&amp;")}">Читать</a>'
    assert _rewrite({"html": html}, old, new) == {"html": f'<a href="{new}">Читать</a>'}


@hsettings(max_examples=60, deadline=None)
@given(
    before=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    after=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
)
def test_rewrite_round_trips_around_any_text(before, after):
    old, new = "https://news.example/статья/?utm_source=x", "https://news.example/l/AbCd1234"
    if old in before + after or new in before + after or "&" in before + after:
        return
    text = f"{before} {old} {after}"
    rewritten = _rewrite([text], old, new)[0]
    assert rewritten == f"{before} {new} {after}"
    assert _rewrite([rewritten], new, old)[0] == text


def test_bot_list_does_not_catch_browsers():
    for ua in (
        FIREFOX,
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    ):
        assert not is_bot(ua)
    assert all(is_bot(ua) for ua in ROBOTS)
