"""Periodic tasks of generation (merged into CELERY_BEAT_SCHEDULE by settings)."""

BEAT_SCHEDULE = {
    "generation-reap-stale": {"task": "generation.reap_stale", "schedule": 300.0},
}
