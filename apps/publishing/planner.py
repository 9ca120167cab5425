"""The publications calendar: month and week grids, and moving a scheduled publication to another day
or time (drag and drop, or the keyboard) through the same checks as the schedule form.

Times are the current time zone's wall-clock times: a cell names its date (and, in the week view, its
hour) and a move keeps the minutes the publication had, so the browser never does time-zone arithmetic."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput

from . import services
from .models import Publication, PublicationState
from .posts_bridge import SCHEDULABLE_STATES
from .selectors import calendar_publications

MOVABLE_STATES = (PublicationState.PENDING, PublicationState.FAILED)


class View:
    MONTH = "month"
    WEEK = "week"


@dataclass
class Cell:
    date: dt.date
    hour: int | None = None
    items: list = field(default_factory=list)
    in_range: bool = True


def _aware(day: dt.date, hour: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def when_of(publication: Publication) -> dt.datetime:
    return timezone.localtime(publication.published_at or publication.due_at)


def month_grid(*, workspace, first: dt.date) -> list[list[Cell]]:
    """Weeks (Monday first) covering the month, each day with its publications."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start, end = _aware(weeks[0][0]), _aware(weeks[-1][-1] + dt.timedelta(days=1))
    by_day: dict[dt.date, list] = {}
    for publication in calendar_publications(workspace=workspace, start=start, end=end):
        by_day.setdefault(when_of(publication).date(), []).append(publication)
    return [[Cell(date=d, items=by_day.get(d, []), in_range=d.month == first.month) for d in week] for week in weeks]


def week_grid(*, workspace, monday: dt.date) -> list[list[Cell]]:
    """24 rows (hours) of 7 cells (Monday to Sunday)."""
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    by_slot: dict[tuple[dt.date, int], list] = {}
    start, end = _aware(days[0]), _aware(days[-1] + dt.timedelta(days=1))
    for publication in calendar_publications(workspace=workspace, start=start, end=end):
        local = when_of(publication)
        by_slot.setdefault((local.date(), local.hour), []).append(publication)
    return [[Cell(date=d, hour=h, items=by_slot.get((d, h), [])) for d in days] for h in range(24)]


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def is_movable(publication: Publication) -> bool:
    return publication.state in MOVABLE_STATES


def publication_move(*, user, publication: Publication, due_at: dt.datetime) -> Publication:
    """Reschedule one publication from the calendar. The refusals say what to do instead; the checks are
    the schedule form's (publisher role, a time not in the past, a post that may be scheduled, an active
    channel, the embargo) and publication_reschedule's own."""
    require_capability(user=user, workspace=publication.workspace_id, capability=Capability.PUBLISH)
    if publication.state not in MOVABLE_STATES:
        raise Conflict(
            _("Only pending or failed publications can be moved (this one is %(state)s).")
            % {"state": publication.get_state_display()}
        )
    if due_at < timezone.now() - dt.timedelta(minutes=1):
        raise InvalidInput(_("The publication time is in the past: choose a later day or hour."))
    if publication.post.state not in SCHEDULABLE_STATES:
        raise Conflict(
            _("The post is %(state)s: only approved posts can be scheduled.")
            % {"state": publication.post.get_state_display()}
        )
    if not publication.channel.is_active:
        raise Conflict(_("The channel %(channel)s is disabled.") % {"channel": publication.channel.name})
    if publication.not_before and due_at < publication.not_before:
        raise InvalidInput(
            _("This publication is under embargo until %(when)s: move it to that time or later.")
            % {"when": date_format(timezone.localtime(publication.not_before), "DATETIME_FORMAT")}
        )
    return services.publication_reschedule(user=user, publication=publication, due_at=due_at)
