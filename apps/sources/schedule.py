"""Periodic tasks of the sources app (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    "sources-tick": {"task": "sources.tick", "schedule": 60.0, "options": {"expires": 55}},
}
