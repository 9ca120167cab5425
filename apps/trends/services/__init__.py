"""Writes of the trends app: assigning items to trends, ranking, settings, topics and merges."""

from .assignment import AssignmentOutcome, items_assign_to_trends, trend_settings_for
from .ranking import RankOutcome, trend_snapshots_prune, trends_rank
from .settings import topic_create, topic_delete, trend_settings_update

__all__ = [
    "AssignmentOutcome",
    "RankOutcome",
    "items_assign_to_trends",
    "topic_create",
    "topic_delete",
    "trend_settings_for",
    "trend_settings_update",
    "trend_snapshots_prune",
    "trends_rank",
]
