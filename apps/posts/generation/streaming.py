"""Sending job events to the browser while a worker streams tokens.

Token deltas are ephemeral progress, sent straight away rather than on commit (the job row is not in a
transaction while the model streams). One event loop per process carries them, so the Redis channel
layer keeps one connection pool instead of building one per token, and events stay in order."""

from __future__ import annotations

import asyncio
import threading
import time

from channels.layers import get_channel_layer
from django.core.cache import cache

PARTIAL_TTL = 3600
SEND_TIMEOUT = 5.0


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="generation-broadcast", daemon=True)
        self.thread.start()


_lock = threading.Lock()
_loop: _LoopThread | None = None


def _get_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or not _loop.thread.is_alive():
            _loop = _LoopThread()
        return _loop.loop


def group_for_job(job_id: int) -> str:
    return f"generation.job.{job_id}"


def job_event_send(job_id: int, payload: dict) -> None:
    """Send one event to everyone watching the job (waits until the layer has it, to keep order)."""
    layer = get_channel_layer()
    if layer is None:
        return
    payload = {**payload, "job": job_id, "sent_at": time.time()}
    future = asyncio.run_coroutine_threadsafe(
        layer.group_send(group_for_job(job_id), {"type": "generation.event", "payload": payload}), _get_loop()
    )
    future.result(timeout=SEND_TIMEOUT)


def partial_key(job_id: int) -> str:
    return f"generation:partial:{job_id}"


def partial_store(job_id: int, text: str) -> None:
    """The text so far, for a browser that connects in the middle of a run."""
    cache.set(partial_key(job_id), text, PARTIAL_TTL)


def partial_get(job_id: int) -> str | None:
    return cache.get(partial_key(job_id))


def cancel_requested(job_id: int) -> bool:
    """Read from the job row (not a cache key) so a stale flag can never cancel a later job."""
    from .models import GenerationJob

    return GenerationJob.objects.filter(pk=job_id, cancel_requested=True).exists()


def job_flags_clear(job_id: int) -> None:
    """Forget partial text a previous job with the same id may have left (test databases reuse ids)."""
    cache.delete(partial_key(job_id))
