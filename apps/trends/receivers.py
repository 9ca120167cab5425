"""Reacts to the sources app's items_ingested signal (connected in TrendsConfig.ready)."""

from __future__ import annotations

from apps.core.queue import enqueue_on_commit


def on_items_ingested(sender, *, workspace_id: int, item_ids: list[int], **kwargs) -> None:
    if item_ids:
        enqueue_on_commit("trends.assign_items", workspace_id, list(item_ids))
