from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import run_checks
from .selectors import dashboard_summary


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
