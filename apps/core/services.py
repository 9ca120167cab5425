"""Cross-cutting writes: the audit log and after-commit side effects."""

from __future__ import annotations

import asyncio
import os
import threading
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


class _BroadcastLoop:
    """One long-lived event loop (in a daemon thread) for sends from plain sync code: Celery workers and
    WSGI views. async_to_sync there starts a thread, an event loop and a new Redis connection pool for
    every message; this loop keeps one pool for the life of the process."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="core-broadcast", daemon=True)
        self.thread.start()

    def run(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()


_broadcast_lock = threading.Lock()
_broadcast_loop: _BroadcastLoop | None = None


def _group_send(layer, group: str, message: dict) -> None:
    """Send and wait until sent (errors propagate), as async_to_sync(layer.group_send) does."""
    from asgiref.sync import SyncToAsync, async_to_sync
    from channels.layers import InMemoryChannelLayer

    try:
        asyncio.get_running_loop()
        # Sync code on a thread whose loop is running (Playwright's sync API in tests, a notebook):
        # async_to_sync refuses to run there, the broadcast loop's own thread does not mind.
        loop_here = True
    except RuntimeError:
        loop_here = False
    inside_async = not loop_here and getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None
    if not loop_here and (inside_async or isinstance(layer, InMemoryChannelLayer)):
        # Under an ASGI server async_to_sync already reuses the server's loop; the in-memory layer
        # keeps its queues on whichever loop used them, so it keeps the old path.
        async_to_sync(layer.group_send)(group, message)
        return
    global _broadcast_loop
    with _broadcast_lock:
        # A forked worker inherits the object but not its thread: start its own.
        if _broadcast_loop is None or _broadcast_loop.pid != os.getpid() or not _broadcast_loop.thread.is_alive():
            _broadcast_loop = _BroadcastLoop()
        runner = _broadcast_loop
    runner.run(layer.group_send(group, message))


def broadcast_on_commit(group: str, message: dict) -> None:
    """Send a channel-layer group message once the current transaction commits."""
    from channels.layers import get_channel_layer

    def _send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            _group_send(layer, group, message)

    transaction.on_commit(_send)
