"""Periodic jobs of the public site (copied into django-celery-beat by settings)."""

BEAT_SCHEDULE = {
    "site-headline-tests": {"task": "site.headline_tests_tick", "schedule": 300.0},
}
