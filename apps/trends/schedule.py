"""Periodic tasks of the trends app (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    "trends-rank": {"task": "trends.rank_all", "schedule": 300.0, "options": {"expires": 290}},
    "trends-prune-snapshots": {"task": "trends.prune_snapshots", "schedule": 86400.0, "options": {"expires": 3600}},
}
