"""Periodic tasks of live editing (merged into CELERY_BEAT_SCHEDULE by config/settings/base.py)."""

BEAT_SCHEDULE = {
    "collaboration-compact": {"task": "collaboration.compact_all", "schedule": 120.0},
}
