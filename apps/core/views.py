from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership, workspace_members
from apps.core.params import safe_id

from .health import run_checks
from .permissions import require_capability
from .selectors import audit_actions_for_workspace, audit_entries_filtered, dashboard_summary

AUDIT_PAGE_SIZE = 50


@require_GET
@never_cache
def healthz(request):
    healthy, checks = run_checks()
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


@login_required
def dashboard(request):
    membership = request.membership
    context = {"summary": dashboard_summary(membership=membership) if membership else None}
    return render(request, "core/dashboard.html", context)


@login_required
def audit_log_page(request):
    """The current workspace's audit log, filtered by action and actor, 50 entries a page."""
    membership = request_membership(request)
    workspace = membership.workspace
    require_capability(user=request.user, workspace=workspace, capability=Capability.VIEW)
    action = request.GET.get("action", "").strip()[:64]
    actor = request.GET.get("actor", "").strip()
    actor_id = safe_id(actor)
    entries = audit_entries_filtered(workspace=workspace, action=action, actor_id=actor_id)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "entries": page.object_list,
        "actions": audit_actions_for_workspace(workspace=workspace),
        "members": workspace_members(workspace=workspace),
        "action": action,
        "actor_id": actor_id,
        "filter_query": query.urlencode(),
        "filtered": bool(action or actor_id),
    }
    return render(request, "core/audit_log.html", context)


SECTIONS = {
    "sources": (_("Sources"), _("Feeds, Hacker News and Reddit sources the newsroom watches.")),
    "trends": (_("Trends"), _("Stories rising across your sources, ranked.")),
    "posts": (_("Posts"), _("Drafts, reviews and published posts.")),
    "personas": (_("Personas"), _("Author voices that AI drafts are written in.")),
    "publishing": (_("Publishing"), _("Channels, schedules and what went out.")),
}


@login_required
def section_empty(request, section: str):
    title, description = SECTIONS[section]
    return render(request, "core/section_empty.html", {"title": title, "description": description, "section": section})
