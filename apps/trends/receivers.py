"""Reacts to the sources app's items_ingested signal (connected in TrendsConfig.ready)."""

from __future__ import annotations

from apps.core.services import on_commit_delay


def on_items_ingested(sender, *, workspace_id: int, item_ids: list[int], **kwargs) -> None:
    from .tasks import trends_assign_items

    if item_ids:
        on_commit_delay(trends_assign_items, workspace_id, list(item_ids))
