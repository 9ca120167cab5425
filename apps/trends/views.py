"""Editorial pages: the trends dashboard, a trend's page, "what to write next" and ranking settings.
Views parse input, call one selector or service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.permissions import require_member
from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict, Forbidden
from apps.core.params import safe_id

from . import selectors, services
from .charts import sparkline_svg, timeline_svg
from .models import Topic

GENERATE_URL = "/app/generate/?trend={id}"


def _membership(request):
    return request_membership(request)


def _with_sparklines(trends: list) -> list:
    series = selectors.sparkline_series(trend_ids=[t.pk for t in trends])
    for trend in trends:
        trend.sparkline = sparkline_svg(series.get(trend.pk, []), label=_("Score history of %s") % trend.title[:80])
        trend.generate_url = GENERATE_URL.format(id=trend.pk)
    return trends


@login_required
def index(request):
    membership = _membership(request)
    workspace = membership.workspace
    filters = selectors.TrendFilters.from_params(request.GET)
    trends = _with_sparklines(list(selectors.trends_for_workspace(workspace=workspace, filters=filters)[:50]))
    context = {
        "trends": trends,
        "filters": filters,
        "windows": selectors.WINDOWS,
        "topics": selectors.topics_for_workspace(workspace=workspace),
        "trend_languages": selectors.trend_languages(workspace=workspace),
        "can_write": membership.can(Capability.WRITE),
        "filtered": bool(filters.topic or filters.language or filters.q or filters.window != selectors.DEFAULT_WINDOW),
        "partial_url": reverse("trends:index"),
    }
    if request.GET.get("partial"):
        return render(request, "trends/_trend_list.html", context)
    return render(request, "trends/index.html", context)


@login_required
def detail(request, pk: int):
    trend = selectors.trend_for_user(user=request.user, pk=pk)
    if trend.merged_into_id:
        return redirect("trends:detail", pk=trend.merged_into_id)
    membership = require_member(user=request.user, workspace=trend.workspace)
    history = selectors.trend_history(trend=trend)
    context = {
        "trend": trend,
        "groups": selectors.trend_items_by_source(trend=trend),
        "timeline": timeline_svg(snapshots=history, buckets=selectors.trend_item_timeline(trend=trend)),
        "sparkline": sparkline_svg([s.score for s in history][-48:], width=120, height=32),
        "topics": list(trend.topics.all()),
        "generate_url": GENERATE_URL.format(id=trend.pk),
        "can_write": membership.can(Capability.WRITE),
        "posts": list(trend.posts.order_by("-updated_at").only("id", "title", "state")[:10]),
        "foreign_workspace": trend.workspace_id != getattr(request.workspace, "pk", None),
    }
    return render(request, "trends/detail.html", context)


@login_required
def write_next(request):
    membership = _membership(request)
    workspace = membership.workspace
    personas = list(selectors.personas_for_workspace(workspace=workspace))
    chosen = None
    if (persona_id := safe_id(request.GET.get("persona"))) is not None:
        chosen = selectors.persona_for_user(user=request.user, workspace=workspace, pk=persona_id)
    if chosen is not None:
        sections = [(chosen, _with_sparklines(selectors.trends_to_write_next(workspace=workspace, persona=chosen)))]
    elif personas:
        sections = [
            (p, _with_sparklines(selectors.trends_to_write_next(workspace=workspace, persona=p, limit=5)))
            for p in personas
        ]
    else:
        sections = [(None, _with_sparklines(selectors.trends_to_write_next(workspace=workspace, limit=20)))]
    return render(
        request,
        "trends/write_next.html",
        {"personas": personas, "chosen": chosen, "sections": sections, "can_write": membership.can(Capability.WRITE)},
    )


@login_required
def settings_page(request):
    membership = _membership(request)
    workspace = membership.workspace
    settings = services.trend_settings_for(workspace_id=workspace.pk)
    can_manage = membership.can(Capability.MANAGE_SOURCES)
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "settings":
                fields = [*services.settings.EDITABLE]
                services.trend_settings_update(
                    user=request.user, workspace=workspace, **{f: request.POST.get(f) or None for f in fields}
                )
                messages.success(request, _("Ranking settings saved. Scores update at the next ranking tick."))
            elif action == "topic":
                keywords = list(request.POST.get("keywords", "").replace("\n", ",").split(","))
                topic = services.topic_create(
                    user=request.user, workspace=workspace, name=request.POST.get("name", ""), keywords=keywords
                )
                messages.success(request, _("Topic “%s” added.") % topic.name)
            return redirect("trends:settings")
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        except (Conflict, Forbidden) as exc:
            errors = {"__all__": [getattr(exc, "message", None) or str(exc)]}
    return render(
        request,
        "trends/settings.html",
        {
            "settings": settings,
            "topics": selectors.topics_for_workspace(workspace=workspace),
            "can_manage": can_manage,
            "errors": errors,
            "post": request.POST if request.method == "POST" else None,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def topic_delete(request, pk: int):
    membership = _membership(request)
    topic = Topic.objects.filter(workspace=membership.workspace, pk=pk).first()
    if topic is None:
        raise Http404
    services.topic_delete(user=request.user, topic=topic)
    messages.success(request, _("Topic deleted."))
    return redirect("trends:settings")
