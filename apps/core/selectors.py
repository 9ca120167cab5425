"""Cross-cutting reads: the dashboard summary gathers counts from the apps that exist."""

from __future__ import annotations

from django.apps import apps

from .models import AuditEntry

# (app label, model name, label shown) — counted for the current workspace when the model exists.
DASHBOARD_COUNTS = [
    ("sources", "Source", "sources"),
    ("sources", "Item", "items"),
    ("trends", "Trend", "trends"),
    ("posts", "Post", "posts"),
    ("personas", "Persona", "personas"),
    ("publishing", "Publication", "publications"),
]


def dashboard_summary(*, membership) -> dict:
    counts = {}
    for app_label, model_name, key in DASHBOARD_COUNTS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        counts[key] = model.objects.filter(workspace=membership.workspace).count()
    recent = AuditEntry.objects.filter(workspace=membership.workspace).select_related("actor")[:10]
    return {"counts": counts, "recent_activity": list(recent)}


def audit_entries_for_workspace(*, workspace):
    return AuditEntry.objects.filter(workspace=workspace).select_related("actor", "target_type")
