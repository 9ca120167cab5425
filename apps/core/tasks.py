"""Cross-cutting Celery tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="core.ping", ignore_result=True)
def ping(**kwargs: object) -> str:
    """A no-op round trip: proves the broker and a worker are alive (used by the devserver smoke test)."""
    return "pong"
