"""Periodic tasks of personas (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "personas-style-learn-all": {"task": "personas.style_learn_all", "schedule": crontab(hour=3, minute=17)},
}
