"""The dispatcher's failures reach people: failed and unconfirmed publications, and a 401 that means
the channel must be reconnected (apps/publishing/alerts.py -> apps.notifications)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.notifications.models import Kind, Notification
from apps.publishing.dispatcher import dispatch_run
from apps.publishing.models import Publication, PublicationState
from apps.publishing.services import publication_schedule

# What the publishing side reports (the post's own workflow notifications share the table).
PROBLEMS = [Kind.PUBLICATION_FAILED, Kind.PUBLICATION_UNCONFIRMED, Kind.CHANNEL_RECONNECT]

pytestmark = pytest.mark.django_db


def _run(capture):
    with capture(execute=True):
        dispatch_run(worker="w1", budget_seconds=5)


def test_a_401_holds_the_publication_and_asks_to_reconnect(
    post, make_channel, publisher, writer, fake, django_capture_on_commit_callbacks
):
    x = make_channel("x")
    [publication] = publication_schedule(user=publisher, post=post, channels=[x], due_at=timezone.now())
    fake.inject("/2/tweets", "expired")
    _run(django_capture_on_commit_callbacks)
    publication.refresh_from_db()
    x.refresh_from_db()
    # The authorization is gone: the publication waits for the reconnect instead of failing.
    assert x.needs_reconnect and publication.state == PublicationState.PENDING
    assert not Notification.objects.filter(kind=Kind.PUBLICATION_FAILED).exists()
    reconnect = Notification.objects.get(kind=Kind.CHANNEL_RECONNECT, recipient=publisher)
    assert reconnect.params["channel"] == x.name
    assert reconnect.url == f"/app/publishing/channels/{x.pk}/"
    # (The writer hears of the post's workflow, as every author does, but of no publishing problem.)
    assert not Notification.objects.filter(recipient=writer, kind__in=PROBLEMS).exists()
    # Noticed again while the notification is unread: it counts up, no second row.
    _run(django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind=Kind.CHANNEL_RECONNECT, recipient=publisher).count() == 1


def test_an_ambiguous_send_is_reported_as_unconfirmed(
    post, make_channel, publisher, fake, django_capture_on_commit_callbacks
):
    discord = make_channel("discord")
    publication_schedule(user=publisher, post=post, channels=[discord], due_at=timezone.now())
    fake.inject("/api/webhooks", "timeout")
    _run(django_capture_on_commit_callbacks)
    assert Notification.objects.filter(kind=Kind.PUBLICATION_UNCONFIRMED, recipient=publisher).count() == 1


def test_a_disabled_channel_and_a_refused_connection_are_reported(
    post, make_channel, publisher, fake, django_capture_on_commit_callbacks
):
    webhook = make_channel("webhook", config={"url": "http://127.0.0.1:9/hook"})
    [publication] = publication_schedule(user=publisher, post=post, channels=[webhook], due_at=timezone.now())
    Publication.objects.filter(pk=publication.pk).update(max_attempts=1)
    _run(django_capture_on_commit_callbacks)
    publication.refresh_from_db()
    assert publication.state == PublicationState.FAILED, publication.state
    assert Notification.objects.filter(kind=Kind.PUBLICATION_FAILED, recipient=publisher).count() == 1


def test_delivered_publications_tell_nobody(post, make_channel, publisher, fake, django_capture_on_commit_callbacks):
    webhook = make_channel("webhook")
    publication_schedule(user=publisher, post=post, channels=[webhook], due_at=timezone.now())
    _run(django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(kind__in=PROBLEMS).exists()
