"""Pages: overview, calendar, analytics, channel settings, subscribers, publication, panel, unsubscribe."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from apps.publishing.analytics import metrics_poll_due
from apps.publishing.dispatcher import dispatch_run
from apps.publishing.insights import best_times_for
from apps.publishing.models import Channel, EngagementMetric, Publication, PublicationState, Subscriber
from apps.publishing.services import publication_schedule

pytestmark = pytest.mark.django_db


def test_overview_calendar_and_channel_pages(client_for, publisher, make_channel, post):
    channel = make_channel("x", credentials_expire_at=timezone.now() + dt.timedelta(days=2))
    publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now() + dt.timedelta(hours=2))
    client = client_for(publisher)
    overview = client.get("/app/publishing/").content.decode()
    assert "x channel" in overview and "token expires in" in overview
    assert post.title in overview
    calendar = client.get("/app/publishing/calendar/").content.decode()
    assert post.title[:30] in calendar
    page = client.get(f"/app/publishing/channels/{channel.pk}/").content.decode()
    assert "good-token" not in page  # the secret never comes back
    assert "stored — leave blank to keep" in page


def test_channel_form_creates_and_keeps_secret_when_left_blank(client_for, publisher, fake):
    client = client_for(publisher)
    response = client.post(
        "/app/publishing/channels/new/",
        {
            "platform": "webhook",
            "name": "Partner",
            "config_url": f"{fake.url}/hook",
            "secret_secret": "abc",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    channel = Channel.objects.get(name="Partner")
    encrypted = channel.credentials_encrypted
    client.post(
        f"/app/publishing/channels/{channel.pk}/",
        {
            "platform": "webhook",
            "name": "Partner 2",
            "config_url": f"{fake.url}/hook",
            "secret_secret": "",
            "is_active": "on",
        },
    )
    channel.refresh_from_db()
    assert channel.name == "Partner 2" and channel.credentials_encrypted == encrypted


def test_writer_cannot_open_channel_settings(client_for, writer):
    response = client_for(writer).get("/app/publishing/channels/new/")
    assert response.status_code == 302


def test_outsider_gets_404_on_pages(client_for, outsider, make_channel, publisher, post):
    channel = make_channel("webhook")
    [publication] = publication_schedule(
        user=publisher, post=post, channels=[channel], due_at=timezone.now() + dt.timedelta(hours=1)
    )
    client = client_for(outsider)
    assert client.get(f"/app/publishing/channels/{channel.pk}/").status_code == 404
    assert client.get(f"/app/publishing/publications/{publication.pk}/").status_code == 404
    assert client.post(f"/app/publishing/publications/{publication.pk}/cancel/").status_code == 404
    assert client.get(f"/app/publishing/posts/{post.pk}/panel/").status_code == 404


def test_publish_panel_previews_and_schedules(client_for, publisher, make_channel, post, fake):
    x = make_channel("x")
    hook = make_channel("webhook")
    client = client_for(publisher)
    page = client.get(f"/app/publishing/posts/{post.pk}/panel/", {"channels": [x.pk, hook.pk], "fragment": "1"})
    html = page.content.decode()
    assert "#Climate" in html and "/ 280" in html
    response = client.post(
        f"/app/publishing/posts/{post.pk}/panel/",
        {
            "channels": [x.pk],
            "do": "schedule",
            "when": "later",
            "due_at": (timezone.localtime() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    assert Publication.objects.get(channel=x).state == PublicationState.PENDING
    refused = client.post(
        f"/app/publishing/posts/{post.pk}/panel/",
        {"channels": [hook.pk], "do": "schedule", "when": "now", f"override_{x.pk}": "z"},
    )
    assert refused.status_code == 302  # webhook accepted


def test_publication_page_actions(client_for, publisher, make_channel, post, fake):
    channel = make_channel("discord")
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    fake.inject("/api/webhooks", "timeout")
    dispatch_run(worker="w", budget_seconds=5)
    client = client_for(publisher)
    page = client.get(f"/app/publishing/publications/{publication.pk}/").content.decode()
    assert "It arrived" in page and "timed out" in page
    client.post(f"/app/publishing/publications/{publication.pk}/resend/")
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING


def test_newsletter_unsubscribe_link_works(client_for, publisher, make_channel, post, workspace, client):
    Subscriber.objects.create(workspace=workspace, email="reader@example.com")
    channel = make_channel("newsletter")
    publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w", budget_seconds=5)
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/app/publishing/unsubscribe/[^\s]+/)", mail.outbox[0].body).group(1)
    confirm = client.get(link)
    assert confirm.status_code == 200 and b"reader@example.com" in confirm.content
    assert Subscriber.objects.get().unsubscribed_at is None  # a GET (mail scanners) does not unsubscribe
    done = client.post(link)
    assert b"You are unsubscribed" in done.content
    assert Subscriber.objects.get().unsubscribed_at is not None
    assert client.get(link[:-5] + "XXXX/").status_code == 404


def test_metrics_polling_analytics_and_best_time(client_for, publisher, make_channel, make_post, fake, workspace):
    channel = make_channel("mastodon")
    base = timezone.now() - dt.timedelta(days=3)
    for i in range(6):
        post = make_post(title=f"Story {i}")
        [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w", budget_seconds=5)
    assert Publication.objects.filter(state=PublicationState.PUBLISHED).count() == 6
    assert metrics_poll_due() == 6
    assert EngagementMetric.objects.count() == 6
    # give the history a clear winner: Tuesdays at 9
    for i, publication in enumerate(Publication.objects.order_by("pk")):
        when = base.replace(hour=9 if i % 2 else 15)
        Publication.objects.filter(pk=publication.pk).update(published_at=when)
        EngagementMetric.objects.filter(publication=publication).update(likes=50 if i % 2 else 1)
    # Six measured posts are below the best-time threshold (tests/publishing/test_insights.py has the rest).
    best = best_times_for(workspace=workspace, channels=[channel])[channel.pk]
    assert not best.enough and best.history == 6
    page = client_for(publisher).get("/app/publishing/analytics/").content.decode()
    assert "<svg" in page and "Story 1" in page and "not enough data yet (6 of 10" in page


def test_post_page_includes_the_publish_panel(rf, publisher, writer, make_channel, post):
    from pathlib import Path

    from django.template import Context, Template

    import apps.posts

    detail = Path(apps.posts.__file__).parent / "templates/posts/detail.html"
    assert "{% publish_panel post %}" in detail.read_text()
    make_channel("webhook")
    template = Template("{% load publishing_tags %}{% publish_panel post %}")
    request = rf.get(f"/app/posts/{post.pk}/")
    request.user = publisher
    html = template.render(Context({"request": request, "post": post, "csrf_token": "t"}))
    assert 'id="publish-panel"' in html and "webhook channel" in html
    request.user = writer
    html = template.render(Context({"request": request, "post": post}))
    assert "Only publishers and admins can schedule posts." in html
    # An archived post offers no schedule form, and says why.
    post.state = "archived"
    request.user = publisher
    html = template.render(Context({"request": request, "post": post, "csrf_token": "t"}))
    assert "Archived posts are not published" in html and "publish-form" not in html


def test_demo_seed_is_idempotent_and_expiry_check_warns(workspace, members, make_channel):
    from apps.publishing.checks import check_expiring_credentials
    from apps.publishing.demo import seed

    seed(workspace=workspace, users=members)
    seed(workspace=workspace, users=members)
    assert Channel.objects.filter(workspace=workspace, platform="site", is_active=True).count() == 1
    assert Channel.objects.filter(workspace=workspace, platform="webhook", is_active=False).count() == 1
    make_channel("x", credentials_expire_at=timezone.now() + dt.timedelta(days=5))
    warnings = check_expiring_credentials()
    assert [w.id for w in warnings] == ["publishing.W001"] and "x channel" in warnings[0].msg
