"""Celery entry points of live editing: log compaction and Revision snapshots."""

from __future__ import annotations

from celery import shared_task

from .selectors import posts_with_pending_log
from .services import document_compact, document_snapshot


@shared_task(name="collaboration.compact_post", acks_late=True, time_limit=300, soft_time_limit=240)
def collab_compact_post(post_id: int, **kwargs: object) -> int:
    folded = 0
    while True:
        step = document_compact(post_id=post_id)
        folded += step
        if not step:
            return folded


@shared_task(name="collaboration.compact_all", acks_late=True, time_limit=600, soft_time_limit=540)
def collab_compact_all(min_rows: int = 50, **kwargs: object) -> int:
    """Beat entry: compact every post whose log has grown (each post in its own task)."""
    post_ids = posts_with_pending_log(min_rows=min_rows)
    for post_id in post_ids:
        collab_compact_post.delay(post_id)
    return len(post_ids)


@shared_task(name="collaboration.snapshot_post", acks_late=True, time_limit=120, soft_time_limit=100)
def collab_snapshot_post(post_id: int, reason: str = "", **kwargs: object) -> int | None:
    revision = document_snapshot(post_id=post_id, reason=reason)
    return revision.number if revision else None
