"""The generation app's live events (see apps.core.realtime): everyone watching a job hears its
status and, while the model streams, its token deltas. Deltas are ephemeral progress, sent at once
rather than on commit (the job row is not in a transaction while the model streams)."""

from __future__ import annotations

import time

from apps.core import realtime
from apps.core.realtime import Event, fields

_PAYLOAD = {
    "type": "object",
    "properties": {
        "event": {"enum": ["status", "delta", "snapshot", "cancel_requested", "error", "done"]},
        "job": {"type": "integer"},
        "sent_at": {"type": "number"},
        "status": {"type": "string"},
        "text": {"type": "string"},
        "error": {"type": "string"},
        "seq": {"type": "integer"},
        "chars": {"type": "integer"},
        "progress": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["event", "job", "sent_at"],
}


def _merge_deltas(last: dict, new: dict) -> dict | None:
    """Consecutive token deltas of one job waiting together become one message: when sending keeps
    up, every token goes alone (lowest latency); when it falls behind, they travel in batches."""
    before, after = last["payload"], new["payload"]
    if before.get("event") != "delta" or after.get("event") != "delta":
        return None
    return {**new, "payload": {**after, "text": before["text"] + after["text"]}}


GENERATION_EVENT = Event("generation.event", fields({"payload": _PAYLOAD}), merge=_merge_deltas)


def group_for_job(job_id: int) -> str:
    return f"generation.job.{job_id}"


def job_event_send(job_id: int, payload: dict) -> None:
    """Queue one event for everyone watching the job (returns at once; order is kept)."""
    payload = {**payload, "job": job_id, "sent_at": time.time()}
    realtime.send(group_for_job(job_id), GENERATION_EVENT.build(payload=payload))


def job_events_flush(timeout: float = realtime.FLUSH_TIMEOUT) -> bool:
    """Wait until every queued event has left (called before a task returns)."""
    return realtime.flush(timeout)
