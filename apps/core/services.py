"""Cross-cutting writes: the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry

if TYPE_CHECKING:  # for annotations only: core imports no app at run time
    from apps.accounts.models import User, Workspace


def audit_log(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    target: models.Model | None = None,
    workspace: Workspace | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a state change. Call it inside the transaction that makes the change."""
    if workspace is None and target is not None:
        workspace = getattr(target, "workspace", None)
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=None if actor is None or isinstance(actor, AnonymousUser) else actor,
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data or {},
    )
