"""Cross-cutting reads: the dashboard summary and the workspace audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry

if TYPE_CHECKING:  # for annotations only: core imports no app at run time
    from django_stubs_ext import StrOrPromise

    from apps.accounts.models import Membership, Workspace

# (app label, model name, key) — counted for the current workspace. Core imports no app: the models
# are looked up by label once the apps are loaded.
DASHBOARD_COUNTS = [
    ("sources", "Source", "sources"),
    ("sources", "Item", "items"),
    ("trends", "Trend", "trends"),
    ("posts", "Post", "posts"),
    ("personas", "Persona", "personas"),
    ("publishing", "Publication", "publications"),
]
# What each count is called on the dashboard and where its card links to.
DASHBOARD_LABELS = {
    "sources": (_("Sources"), "sources:index"),
    "items": (_("Items"), "sources:index"),
    "trends": (_("Trends"), "trends:index"),
    "posts": (_("Posts"), "posts:index"),
    "personas": (_("Personas"), "personas:index"),
    "publications": (_("Publications"), "publishing:index"),
}
RECENT_ACTIVITY = 10


class DashboardStat(TypedDict):
    key: str
    label: StrOrPromise
    value: int
    url: str


class DashboardSummary(TypedDict):
    counts: dict[str, int]
    stats: list[DashboardStat]
    recent_activity: list[AuditEntry]


def dashboard_summary(*, membership: Membership) -> DashboardSummary:
    """counts: {key: n} (kept for callers), stats: [{key, label, value, url}] for the template (a dict key
    named "items" would shadow dict.items in a template), recent_activity: the newest audit entries."""
    counts: dict[str, int] = {}
    for app_label, model_name, key in DASHBOARD_COUNTS:
        model = apps.get_model(app_label, model_name)
        counts[key] = model.objects.filter(workspace=membership.workspace).count()
    stats: list[DashboardStat] = [
        {"key": key, "label": DASHBOARD_LABELS[key][0], "value": value, "url": reverse(DASHBOARD_LABELS[key][1])}
        for key, value in counts.items()
    ]
    recent = AuditEntry.objects.filter(workspace=membership.workspace).select_related("actor")[:RECENT_ACTIVITY]
    return {"counts": counts, "stats": stats, "recent_activity": list(recent)}


def audit_entries_for_workspace(*, workspace: Workspace) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(workspace=workspace).select_related("actor", "target_type")


def audit_entries_filtered(
    *, workspace: Workspace, action: str = "", actor_id: int | None = None
) -> QuerySet[AuditEntry]:
    """The workspace's audit log, newest first; `action` matches exactly or as a prefix ("post." or "post")."""
    queryset = audit_entries_for_workspace(workspace=workspace)
    if action:
        prefix = action if action.endswith(".") else f"{action}."
        queryset = queryset.filter(Q(action=action) | Q(action__startswith=prefix))
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    return queryset


def audit_actions_for_workspace(*, workspace: Workspace) -> list[str]:
    """The distinct actions recorded in the workspace (for the filter menu)."""
    return list(
        AuditEntry.objects.filter(workspace=workspace).order_by("action").values_list("action", flat=True).distinct()
    )
