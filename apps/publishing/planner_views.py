"""The calendar pages (month and week) and the move endpoint the drag and drop and keyboard use."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict, NotFound
from apps.core.params import safe_id

from . import planner, selectors
from .analytics import WEEKDAYS
from .views import _error_text, _local_input


def _month_of(value: str, today: dt.date) -> dt.date:
    try:
        year, month = (int(x) for x in value.split("-")[:2])
        return dt.date(year, month, 1)
    except (ValueError, OverflowError):
        return today.replace(day=1)


def _month_context(request, *, workspace, today: dt.date) -> dict:
    first = _month_of(request.GET.get("month", ""), today)
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    return {
        "grid": planner.month_grid(workspace=workspace, first=first),
        "month": first,
        "prev": f"?view=month&month={prev_month:%Y-%m}",
        "next": f"?view=month&month={next_month:%Y-%m}",
        "other_view": f"?view=week&week={(today if first.month == today.month else first):%Y-%m-%d}",
    }


def _week_context(request, *, workspace, today: dt.date) -> dict:
    try:
        day = parse_date(request.GET.get("week", "")) or today
    except ValueError:
        day = today
    monday = planner.week_start(day)
    return {
        "grid": planner.week_grid(workspace=workspace, monday=monday),
        "days": [monday + dt.timedelta(days=i) for i in range(7)],
        "monday": monday,
        "prev": f"?view=week&week={monday - dt.timedelta(days=7):%Y-%m-%d}",
        "next": f"?view=week&week={monday + dt.timedelta(days=7):%Y-%m-%d}",
        "other_view": f"?view=month&month={monday:%Y-%m}",
    }


@login_required
def calendar(request):
    membership = request_membership(request)
    workspace = membership.workspace
    today = timezone.localdate()
    view = planner.View.WEEK if request.GET.get("view") == planner.View.WEEK else planner.View.MONTH
    builder = _week_context if view == planner.View.WEEK else _month_context
    context = builder(request, workspace=workspace, today=today)
    context.update(
        {
            "section": "publishing",
            "view": view,
            "today": today,
            "weekdays": WEEKDAYS,
            "can_move": membership.can(Capability.PUBLISH),
            "movable_states": [str(s) for s in planner.MOVABLE_STATES],
        }
    )
    return render(request, "publishing/calendar.html", context)


@login_required
@require_POST
def calendar_move(request):
    """POST publication=<id>, due_at=<YYYY-MM-DDTHH:MM local>: JSON {ok, due_at, label} or {ok: false, error}."""
    try:
        publication = selectors.publication_for_user(user=request.user, pk=safe_id(request.POST.get("publication")))
        due = _local_input(request.POST.get("due_at", ""))
        if due is None:
            raise ValidationError(_("Enter a valid date and time."))
        publication = planner.publication_move(user=request.user, publication=publication, due_at=due)
    except NotFound:
        return JsonResponse({"ok": False, "error": _("No such publication.")}, status=404)
    except PermissionDenied as exc:
        return JsonResponse({"ok": False, "error": _error_text(exc)}, status=403)
    except Conflict as exc:
        return JsonResponse({"ok": False, "error": _error_text(exc)}, status=409)
    except (ValidationError, ValueError) as exc:
        return JsonResponse({"ok": False, "error": _error_text(exc)}, status=400)
    local = timezone.localtime(publication.due_at)
    return JsonResponse(
        {
            "ok": True,
            "publication": publication.pk,
            "due_at": local.strftime("%Y-%m-%dT%H:%M"),
            "time": local.strftime("%H:%M"),
            "message": _("Moved to %(when)s.") % {"when": local.strftime("%Y-%m-%d %H:%M")},
        }
    )
