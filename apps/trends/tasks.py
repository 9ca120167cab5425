"""Celery entry points: assign ingested items to trends, rank (beat), prune old snapshots."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services
from .selectors import workspaces_with_active_trends

ASSIGN_BATCH = 1000


@shared_task(
    name="trends.assign_items",
    ignore_result=True,
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def trends_assign_items(workspace_id: int, item_ids: list[int], **kwargs: object) -> int:
    assigned = 0
    for start in range(0, len(item_ids), ASSIGN_BATCH):
        outcome = services.items_assign_to_trends(
            workspace_id=workspace_id, item_ids=item_ids[start : start + ASSIGN_BATCH]
        )
        assigned += outcome.assigned
    if assigned:
        trends_rank_workspace.delay(workspace_id)
    return assigned


@shared_task(name="trends.rank_workspace", ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=150)
def trends_rank_workspace(workspace_id: int, **kwargs: object) -> int:
    return services.trends_rank(workspace_id=workspace_id).ranked


@shared_task(name="trends.rank_all", ignore_result=True)
def trends_rank_all(**kwargs: object) -> int:
    ids = workspaces_with_active_trends()
    for workspace_id in ids:
        trends_rank_workspace.delay(workspace_id)
    return len(ids)


@shared_task(name="trends.prune_snapshots", ignore_result=True)
def trends_prune_snapshots(**kwargs: object) -> int:
    return services.trend_snapshots_prune()
