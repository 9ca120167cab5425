"""The publishing API: channels, publications, schedule, preview, cancel, attempts, metrics, subscribers."""

import datetime as dt

import pytest
from django.utils import timezone

from apps.publishing.models import Channel, EngagementMetric, Publication, PublicationState
from apps.publishing.services import publication_schedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher_api(api_client_for, publisher, workspace):
    return api_client_for(publisher, workspace)


def test_channel_create_never_echoes_secrets(publisher_api, fake):
    response = publisher_api.post(
        "/api/v1/publishing/channels/",
        {
            "name": "Hook",
            "platform": "webhook",
            "config": {"url": f"{fake.url}/hook"},
            "secrets": {"secret": "s3cret-value"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert "s3cret-value" not in response.content.decode()
    assert response.json()["has_credentials"] is True
    channel = Channel.objects.get(pk=response.json()["id"])
    assert "s3cret-value" not in channel.credentials_encrypted
    detail = publisher_api.get(f"/api/v1/publishing/channels/{channel.pk}/")
    assert "s3cret" not in detail.content.decode()


def test_channel_list_query_count_and_expiry_warning(publisher_api, make_channel, django_assert_num_queries):
    make_channel("webhook", credentials_expire_at=timezone.now() + dt.timedelta(days=3))
    make_channel("x")
    make_channel("discord")
    with django_assert_num_queries(5):  # token, membership, count, page and its annotations
        response = publisher_api.get("/api/v1/publishing/channels/")
    assert response.status_code == 200
    rows = {c["name"]: c for c in response.json()["results"]}
    assert rows["webhook channel"]["expiry_warning"] == "expiring"
    assert rows["x channel"]["expiry_warning"] == ""


def test_writer_cannot_create_channels(api_client_for, writer, workspace):
    response = api_client_for(writer, workspace).post(
        "/api/v1/publishing/channels/", {"name": "S", "platform": "site"}, format="json"
    )
    assert response.status_code == 403


def test_schedule_preview_cancel_attempts_metrics(publisher_api, post, make_channel, fake, django_assert_num_queries):
    webhook = make_channel("webhook")
    discord = make_channel("discord")
    preview = publisher_api.post(
        "/api/v1/publishing/preview/", {"post": post.pk, "channels": [webhook.pk, discord.pk]}, format="json"
    )
    assert preview.status_code == 200
    assert [p["ok"] for p in preview.json()] == [True, True]
    too_long = publisher_api.post(
        "/api/v1/publishing/schedule/",
        {"post": post.pk, "channels": [discord.pk], "overrides": {str(discord.pk): "y" * 2500}},
        format="json",
    )
    assert too_long.status_code == 400
    assert "discord channel" in too_long.json()["error"]["details"]
    due = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    scheduled = publisher_api.post(
        "/api/v1/publishing/schedule/",
        {"post": post.pk, "channels": [webhook.pk, discord.pk], "due_at": due},
        format="json",
    )
    assert scheduled.status_code == 201, scheduled.content
    ids = [p["id"] for p in scheduled.json()]
    assert {p["state"] for p in scheduled.json()} == {"pending"}
    with django_assert_num_queries(4):  # token, membership, count, page (channel and post joined)
        listing = publisher_api.get("/api/v1/publishing/publications/", {"post": post.pk})
    assert listing.json()["count"] == 2
    cancel = publisher_api.post(f"/api/v1/publishing/publications/{ids[0]}/cancel/")
    assert cancel.status_code == 200 and cancel.json()["state"] == "cancelled"
    again = publisher_api.post(f"/api/v1/publishing/publications/{ids[0]}/cancel/")
    assert again.status_code == 409
    publication = Publication.objects.get(pk=ids[1])
    Publication.objects.filter(pk=publication.pk).update(state=PublicationState.PUBLISHED, platform_id="1")
    EngagementMetric.objects.create(publication=publication, measured_at=timezone.now(), likes=3)
    attempts = publisher_api.get(f"/api/v1/publishing/publications/{ids[1]}/attempts/")
    assert attempts.status_code == 200 and attempts.json() == []
    metrics = publisher_api.get(f"/api/v1/publishing/publications/{ids[1]}/metrics/")
    assert metrics.json()[0]["likes"] == 3
    reschedule = publisher_api.post(
        f"/api/v1/publishing/publications/{ids[0]}/reschedule/", {"due_at": due}, format="json"
    )
    assert reschedule.status_code == 409


def test_outsider_gets_404_everywhere(api_client_for, outsider, other_workspace, post, make_channel, publisher):
    channel = make_channel("webhook")
    [publication] = publication_schedule(
        user=publisher, post=post, channels=[channel], due_at=timezone.now() + dt.timedelta(hours=1)
    )
    api = api_client_for(outsider, other_workspace)
    assert api.get(f"/api/v1/publishing/channels/{channel.pk}/").status_code == 404
    assert api.patch(f"/api/v1/publishing/channels/{channel.pk}/", {"name": "x"}, format="json").status_code == 404
    assert api.get(f"/api/v1/publishing/publications/{publication.pk}/").status_code == 404
    assert api.post(f"/api/v1/publishing/publications/{publication.pk}/cancel/").status_code == 404
    assert api.get(f"/api/v1/publishing/publications/{publication.pk}/attempts/").status_code == 404
    assert api.get(f"/api/v1/publishing/publications/{publication.pk}/metrics/").status_code == 404
    assert (
        api.post("/api/v1/publishing/schedule/", {"post": post.pk, "channels": [channel.pk]}, format="json").status_code
        == 404
    )
    assert api.post("/api/v1/publishing/preview/", {"post": post.pk}, format="json").status_code == 404
    assert api.get("/api/v1/publishing/channels/").json()["count"] == 0
    assert api.get("/api/v1/publishing/publications/").json()["count"] == 0
    publication.refresh_from_db()
    assert publication.state == PublicationState.PENDING


def test_subscribers_api(publisher_api, api_client_for, writer, workspace):
    created = publisher_api.post("/api/v1/publishing/subscribers/", {"email": "New@Example.com"}, format="json")
    assert created.status_code == 201 and created.json()["email"] == "new@example.com"
    assert publisher_api.get("/api/v1/publishing/subscribers/").json()["count"] == 1
    assert api_client_for(writer, workspace).get("/api/v1/publishing/subscribers/").status_code == 403
