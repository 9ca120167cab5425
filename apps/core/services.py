"""Cross-cutting writes: the audit log."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry


def audit_log(
    *, actor, action: str, target: models.Model | None = None, workspace=None, data: dict | None = None
) -> AuditEntry:
    """Record a state change. Call it inside the transaction that makes the change."""
    if workspace is None and target is not None:
        workspace = getattr(target, "workspace", None)
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
    )
