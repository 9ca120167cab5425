"""Periodic tasks of the publishing app (merged into CELERY_BEAT_SCHEDULE by settings)."""

BEAT_SCHEDULE = {
    "publishing-dispatch-tick": {
        "task": "publishing.dispatch_tick",
        "schedule": 5.0,
        # A tick that waited longer than the interval is dropped: the next one covers the same rows.
        "options": {"expires": 5.0},
    },
    "publishing-refresh-tokens": {
        "task": "publishing.refresh_tokens",
        "schedule": 5 * 60.0,
        "options": {"expires": 240},
    },
    "publishing-poll-metrics": {"task": "publishing.poll_metrics", "schedule": 15 * 60.0, "options": {"expires": 600}},
}
