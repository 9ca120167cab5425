"""The calendar: month and week views, and moving a publication through the schedule form's checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import Conflict, InvalidInput
from apps.posts.models import PostState
from apps.publishing.models import Publication, PublicationState
from apps.publishing.planner import month_grid, publication_move, week_grid, week_start
from apps.publishing.services import publication_schedule

pytestmark = pytest.mark.django_db


def _local(days: int, hour: int = 10, minute: int = 30) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def scheduled(post, make_channel, publisher):
    [publication] = publication_schedule(
        user=publisher, post=post, channels=[make_channel("webhook")], due_at=_local(3)
    )
    return publication


def test_move_keeps_the_row_pending_and_audits(scheduled, publisher):
    moved = publication_move(user=publisher, publication=scheduled, due_at=_local(4, 9, 30))
    assert moved.state == PublicationState.PENDING and moved.due_at == _local(4, 9, 30)
    assert moved.next_attempt_at == _local(4, 9, 30)


@pytest.mark.parametrize(
    "setup, due, refusal",
    [
        (lambda p: None, _local(-2), "in the past"),
        (
            lambda p: Publication.objects.filter(pk=p.pk).update(state=PublicationState.PUBLISHED),
            _local(5),
            "Only pending",
        ),
        (lambda p: Publication.objects.filter(pk=p.pk).update(not_before=_local(6)), _local(5), "embargo"),
        (lambda p: p.channel.__class__.objects.filter(pk=p.channel_id).update(is_active=False), _local(5), "disabled"),
        (lambda p: p.post.__class__.objects.filter(pk=p.post_id).update(state=PostState.DRAFT), _local(5), "approved"),
    ],
)
def test_refused_moves_say_why(scheduled, publisher, setup, due, refusal):
    setup(scheduled)
    publication = Publication.objects.select_related("post", "channel").get(pk=scheduled.pk)
    with pytest.raises((Conflict, InvalidInput)) as exc:
        publication_move(user=publisher, publication=publication, due_at=due)
    assert refusal in str(exc.value)
    assert Publication.objects.get(pk=scheduled.pk).due_at == _local(3)


def test_a_writer_cannot_move(scheduled, writer):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        publication_move(user=writer, publication=scheduled, due_at=_local(5))


def test_grids_place_publications_by_local_day_and_hour(scheduled, workspace):
    day = _local(3).date()
    weeks = month_grid(workspace=workspace, first=day.replace(day=1))
    assert [c for w in weeks for c in w if scheduled in c.items][0].date == day
    rows = week_grid(workspace=workspace, monday=week_start(day))
    assert len(rows) == 24 and all(len(r) == 7 for r in rows)
    [cell] = [c for r in rows for c in r if scheduled in c.items]
    assert (cell.date, cell.hour) == (day, 10)


def test_month_and_week_pages_render_with_move_handles(client_for, scheduled, publisher, writer):
    day = _local(3).date()
    client = client_for(publisher)
    month = client.get(reverse("publishing:calendar"), {"month": f"{day:%Y-%m}"}).content.decode()
    assert f'data-publication="{scheduled.pk}"' in month and 'draggable="true"' in month and "cal-move" in month
    week = client.get(reverse("publishing:calendar"), {"view": "week", "week": f"{day:%Y-%m-%d}"}).content.decode()
    assert 'data-hour="10"' in week and f'data-publication="{scheduled.pk}"' in week
    assert 'aria-current="page"' in week
    # Writers see the calendar but cannot move anything.
    page = client_for(writer).get(reverse("publishing:calendar"), {"month": f"{day:%Y-%m}"}).content.decode()
    assert f'data-publication="{scheduled.pk}"' in page and 'draggable="true"' not in page
    assert (
        client.get(reverse("publishing:calendar"), {"month": "junk", "view": "week", "week": "2026-13-45"}).status_code
        == 200
    )


def test_move_endpoint_answers_json(client_for, scheduled, publisher, writer, outsider):
    url = reverse("publishing:calendar_move")
    target = _local(5, 10, 30)
    answer = client_for(publisher).post(url, {"publication": scheduled.pk, "due_at": target.strftime("%Y-%m-%dT%H:%M")})
    assert answer.status_code == 200 and answer.json()["ok"] and answer.json()["time"] == "10:30"
    refused = client_for(publisher).post(url, {"publication": scheduled.pk, "due_at": "2001-01-01T10:00"})
    assert refused.status_code == 400 and "past" in refused.json()["error"]
    assert client_for(publisher).post(url, {"publication": scheduled.pk, "due_at": "soon"}).status_code == 400
    assert client_for(writer).post(url, {"publication": scheduled.pk, "due_at": "2030-01-01T10:00"}).status_code == 403
    assert (
        client_for(outsider).post(url, {"publication": scheduled.pk, "due_at": "2030-01-01T10:00"}).status_code == 404
    )
    assert client_for(publisher).post(url, {"publication": "x", "due_at": "2030-01-01T10:00"}).status_code == 404
