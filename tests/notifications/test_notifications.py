"""Notifications: who is told, repeats collapse, preferences, the digest, texts in the reader's language,
the page, the bell and the API (scoped to the person)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.notifications import services
from apps.notifications.models import EmailMode, Kind, Notification
from apps.notifications.selectors import unread_count
from apps.notifications.texts import render, render_for

pytestmark = pytest.mark.django_db

TITLES = ["Наводнения в Европе", "東京の洪水", "فيضانات في أوروبا", "Family 👨‍👩‍👧 trip", "Cafe\u0301 **bold**"]


def _publication(workspace, *, pk=7, title="Rivers rise", channel="Mastodon", creator=None, error="Connection refused"):
    return SimpleNamespace(
        pk=pk,
        workspace_id=workspace.pk,
        post=SimpleNamespace(title=title),
        channel=SimpleNamespace(name=channel),
        last_error=error,
        created_by=creator,
    )


def test_a_failed_publication_tells_publishers_and_admins_not_writers(workspace, members, writer, publisher):
    rows = services.publication_problem(publication=_publication(workspace))
    told = {r.recipient.username for r in rows}
    assert told == {"publisher", "admin"}
    assert unread_count(user=writer) == 0
    assert unread_count(user=publisher) == 1


def test_whoever_scheduled_it_is_told_too_but_outsiders_never(workspace, members, writer, outsider):
    rows = services.publication_problem(publication=_publication(workspace, creator=writer))
    assert "writer" in {r.recipient.username for r in rows}
    rows = services.publication_problem(publication=_publication(workspace, pk=8, creator=outsider))
    assert "outsider" not in {r.recipient.username for r in rows}


def test_repeats_collapse_into_the_unread_row_and_count(workspace, members, publisher):
    for attempt in range(5):
        services.publication_problem(publication=_publication(workspace, error=f"HTTP 500 #{attempt}"))
    [row] = Notification.objects.filter(recipient=publisher)
    assert row.count == 5
    assert row.params["error"] == "HTTP 500 #4"
    assert "5 times" in render(row).times
    # Once read, the next failure is news again: a new row.
    services.notification_mark_read(notification=row, user=publisher)
    services.publication_problem(publication=_publication(workspace))
    assert Notification.objects.filter(recipient=publisher).count() == 2


def test_a_source_streak_is_reported_once(workspace, members, editor):
    source = SimpleNamespace(pk=3, workspace_id=workspace.pk, name="", url="https://example.com/feed", last_error="500")
    since = timezone.now() - dt.timedelta(hours=9)
    assert services.source_failing(source=source, hours=9, since=since)
    assert services.source_failing(source=source, hours=10, since=since) == []
    row = Notification.objects.get(recipient=editor)
    assert row.count == 1 and "example.com/feed" in render(row).title


def test_text_is_rendered_in_the_readers_language(workspace, members, publisher):
    [row, *_] = services.channel_needs_reconnect(
        channel=SimpleNamespace(pk=4, workspace_id=workspace.pk, name="X (newsroom)"), reason="invalid_grant"
    )
    english = render_for(row, language="en").title
    russian = render_for(row, language="ru").title
    assert "X (newsroom)" in english and "X (newsroom)" in russian
    assert english.startswith("The channel")
    # The stored row holds no sentence, only the kind and the parameters.
    assert set(row.params) == {"channel", "reason", "channel_id"}


@hsettings(max_examples=30, deadline=None)
@given(title=st.sampled_from(TITLES) | st.text(max_size=80), channel=st.text(max_size=40))
def test_any_title_and_name_render_without_error(title, channel):
    row = Notification(kind=Kind.PUBLICATION_FAILED, params={"post": title, "channel": channel}, count=1)
    text = render(row)
    assert title in text.title and channel in text.title


def test_unknown_or_missing_parameters_still_render():
    row = Notification(kind=Kind.GENERATION_FAILED, params={"topic": "", "bogus": {"x": 1}}, count=1)
    assert render(row).title
    row = Notification(kind=Kind.SOURCE_FAILING, params={}, count=1)
    assert "?" in render(row).title


def test_preferences_turn_off_the_app_or_the_mail(workspace, members, publisher, admin_member):
    services.preference_set(user=publisher, kind=Kind.PUBLICATION_FAILED, in_app=False, email=EmailMode.OFF)
    services.preference_set(user=admin_member, kind=Kind.PUBLICATION_FAILED, in_app=False, email=EmailMode.DIGEST)
    rows = services.publication_problem(publication=_publication(workspace))
    assert [r.recipient for r in rows] == [admin_member]
    assert unread_count(user=admin_member) == 0  # e-mail only: not on the page
    assert services.digests_send() == 1


def test_immediate_mail_goes_once_per_event_and_not_for_repeats(
    workspace, members, publisher, django_capture_on_commit_callbacks
):
    publisher.email = "pub@example.com"
    publisher.language = "ru"
    publisher.save()
    services.preference_set(user=publisher, kind=Kind.PUBLICATION_FAILED, in_app=True, email=EmailMode.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_problem(publication=_publication(workspace, title="Наводнения"))
    with django_capture_on_commit_callbacks(execute=True):
        services.publication_problem(publication=_publication(workspace, title="Наводнения"))
    sent = [m for m in mail.outbox if m.to == ["pub@example.com"]]
    assert len(sent) == 1
    assert "Наводнения" in sent[0].subject
    assert "http://" in sent[0].body and "/app/publishing/publications/7/" in sent[0].body


def test_the_digest_sends_one_mail_per_person_and_nothing_twice(workspace, members, publisher, admin_member):
    publisher.email, admin_member.email = "pub@example.com", "admin@example.com"
    publisher.save()
    admin_member.save()
    for pk in range(1, 13):
        services.publication_problem(publication=_publication(workspace, pk=pk, title=f"Post {pk}"))
    for _ in range(20):
        services.publication_problem(publication=_publication(workspace, pk=1, title="Post 1"))
    mail.outbox.clear()
    assert services.digests_send() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@example.com", "pub@example.com"]
    body = next(m.body for m in mail.outbox if m.to == ["pub@example.com"])
    assert body.count("Post ") == 12 and "21 times" in body
    assert services.digests_send() == 0
    # A repeat after the digest is mentioned in the next one (once).
    services.publication_problem(publication=_publication(workspace, pk=1, title="Post 1"))
    assert services.digests_send() == 2


def test_a_failing_mail_server_leaves_the_digest_for_the_next_run(workspace, members, publisher, settings):
    publisher.email = "pub@example.com"
    publisher.save()
    services.publication_problem(publication=_publication(workspace))
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens
    with pytest.raises(OSError):
        services.digests_send()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.digests_send() == 2


def test_page_lists_marks_read_and_has_an_empty_state(client_for, workspace, members, publisher, writer):
    page = client_for(writer).get(reverse("notifications:index"))
    assert page.status_code == 200 and "No notifications yet" in page.content.decode()
    services.publication_problem(publication=_publication(workspace, title="Наводнения в Европе"))
    client = client_for(publisher)
    html = client.get(reverse("notifications:index")).content.decode()
    assert "Наводнения в Европе" in html and "Connection refused" in html
    assert 'data-unread="1"' in html  # the bell
    row = Notification.objects.get(recipient=publisher)
    answer = client.post(reverse("notifications:read", args=[row.pk]), {"open": "1"})
    assert answer.status_code == 302 and answer["Location"] == "/app/publishing/publications/7/"
    assert unread_count(user=publisher) == 0
    assert client_for(writer).post(reverse("notifications:read", args=[row.pk])).status_code == 404


def test_page_in_russian_shows_russian(client_for, workspace, members, publisher):
    services.channel_needs_reconnect(channel=SimpleNamespace(pk=4, workspace_id=workspace.pk, name="Bluesky"))
    publisher.language = "ru"
    publisher.save()
    client = client_for(publisher)
    html = client.get(reverse("notifications:index"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Bluesky" in html


def test_preferences_page_saves(client_for, members, publisher):
    client = client_for(publisher)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    data = {f"email_{k}": EmailMode.IMMEDIATE for k in Kind.values}
    data["in_app_" + Kind.SOURCE_FAILING] = "on"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    prefs = {p.kind: p for p in publisher.alert_preferences.all()}
    assert prefs[Kind.SOURCE_FAILING].in_app and not prefs[Kind.PUBLICATION_FAILED].in_app
    assert prefs[Kind.PUBLICATION_FAILED].email == EmailMode.IMMEDIATE


def test_api_is_scoped_to_the_person(api_client_for, workspace, members, publisher, admin_member, outsider):
    services.publication_problem(publication=_publication(workspace))
    mine = api_client_for(publisher).get("/api/v1/alerts/").json()
    [item] = mine["results"]
    assert item["kind"] == Kind.PUBLICATION_FAILED and "Rivers rise" in item["title"] and item["read"] is False
    assert api_client_for(outsider).get("/api/v1/alerts/").json()["results"] == []
    assert api_client_for(outsider).post(f"/api/v1/alerts/{item['id']}/read/").status_code == 404
    assert api_client_for(admin_member).post(f"/api/v1/alerts/{item['id']}/read/").status_code == 404
    client = api_client_for(publisher)
    assert client.get("/api/v1/alerts/unread-count/").json() == {"unread": 1}
    assert client.post(f"/api/v1/alerts/{item['id']}/read/").json()["read"] is True
    assert client.get("/api/v1/alerts/unread-count/").json() == {"unread": 0}
    prefs = client.get("/api/v1/alert-preferences/").json()
    assert {p["kind"] for p in prefs} == set(Kind.values)
    answer = client.put(
        f"/api/v1/alert-preferences/{Kind.SOURCE_FAILING}/", {"in_app": False, "email": "immediate"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["email"] == "immediate"
    assert (
        client.put(f"/api/v1/alert-preferences/{Kind.SOURCE_FAILING}/", {"email": "hourly"}, format="json").status_code
        == 400
    )


def test_a_member_who_left_no_longer_sees_the_rows(workspace, members, publisher):
    services.publication_problem(publication=_publication(workspace))
    publisher.memberships.all().delete()
    assert unread_count(user=publisher) == 0


def test_right_away_turns_into_the_digest_when_events_flood(
    workspace, members, publisher, django_capture_on_commit_callbacks
):
    publisher.email = "pub@example.com"
    publisher.save()
    services.preference_set(user=publisher, kind=Kind.PUBLICATION_FAILED, in_app=True, email=EmailMode.IMMEDIATE)
    with django_capture_on_commit_callbacks(execute=True):
        for pk in range(1, 31):  # a channel went down with 30 publications queued on it
            services.publication_problem(publication=_publication(workspace, pk=pk, title=f"Post {pk}"))
    mine = [m for m in mail.outbox if m.to == ["pub@example.com"]]
    assert len(mine) == services.IMMEDIATE_PER_HOUR
    mail.outbox.clear()
    assert services.digests_send() == 2  # the publisher's 25 others in one e-mail, and the admin's digest
    [digest] = [m for m in mail.outbox if m.to == ["pub@example.com"]]
    assert digest.body.count("Post ") == 30 - services.IMMEDIATE_PER_HOUR
