"""Periodic tasks of the notifications app (merged into CELERY_BEAT_SCHEDULE by the settings)."""

from apps.core.env import env_int

DIGEST_MINUTES = env_int("NOTIFICATIONS_DIGEST_MINUTES", 60)

BEAT_SCHEDULE = {
    "notifications-digest": {
        "task": "notifications.send_digests",
        "schedule": DIGEST_MINUTES * 60.0,
        "options": {"expires": DIGEST_MINUTES * 60.0 - 5},
    },
}
