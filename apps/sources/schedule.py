"""Periodic tasks of the sources app (merged into CELERY_BEAT_SCHEDULE by the settings)."""

BEAT_SCHEDULE = {
    "sources-alert-failing": {"task": "sources.alert_failing", "schedule": 3600.0, "options": {"expires": 3500}},
    "sources-tick": {"task": "sources.tick", "schedule": 60.0, "options": {"expires": 55}},
}
