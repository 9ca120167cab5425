"""Cross-cutting writes: the audit log and after-commit side effects."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

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


def on_commit_delay(task, *args: Any, **kwargs: Any) -> None:
    """Queue a Celery task once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: task.delay(*args, **kwargs))


def broadcast_on_commit(group: str, message: dict) -> None:
    """Send a channel-layer group message once the current transaction commits."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    def _send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    transaction.on_commit(_send)
