"""Core's periodic tasks (no model imports: settings import this)."""

from __future__ import annotations


def backup_schedule(hours: int) -> dict:
    """The beat entry of the scheduled backup (apps.core.ops_tasks.scheduled_backup): every `hours`
    hours, none when 0. Retention is BACKUP_KEEP."""
    if hours <= 0:
        return {}
    return {"core-backup": {"task": "core.backup", "schedule": hours * 3600.0, "options": {"expires": hours * 1800.0}}}
