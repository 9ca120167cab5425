"""Sending job events to the browser while a worker streams tokens.

Token deltas are ephemeral progress, sent straight away rather than on commit (the job row is not in a
transaction while the model streams). One event loop per process carries them, so the Redis channel
layer keeps one connection pool instead of building one per token, and events stay in order."""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time

from channels.layers import get_channel_layer
from django.core.cache import cache

logger = logging.getLogger(__name__)
PARTIAL_TTL = 3600
SEND_TIMEOUT = 5.0


class _Sender:
    """A background event loop draining one queue: the streaming worker never waits on Redis, and
    events leave in the order they were queued (a single consumer sends them one by one)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.lock = threading.Lock()
        self.pending = 0
        self.idle = threading.Event()
        self.idle.set()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.queue: asyncio.Queue = asyncio.Queue()
            self.loop.create_task(self._drain())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, name="generation-events", daemon=True)
        self.thread.start()
        ready.wait()

    async def _drain(self) -> None:
        while True:
            group, message = await self.queue.get()
            try:
                layer = get_channel_layer()
                if layer is not None:
                    await layer.group_send(group, message)
            except Exception:  # a lost progress event must not kill the sender; the job row is the truth
                logger.warning("generation event to %s not sent", group, exc_info=True)
            finally:
                with self.lock:
                    self.pending -= 1
                    if self.pending == 0:
                        self.idle.set()

    def send(self, group: str, message: dict) -> None:
        with self.lock:
            self.pending += 1
            self.idle.clear()
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (group, message))

    def flush(self, timeout: float) -> bool:
        return self.idle.wait(timeout)


_lock = threading.Lock()
_sender: _Sender | None = None


def _get_sender() -> _Sender:
    global _sender
    with _lock:
        # A forked worker process inherits the object but not the thread: start its own.
        if _sender is None or _sender.pid != os.getpid() or not _sender.thread.is_alive():
            _sender = _Sender()
        return _sender


def group_for_job(job_id: int) -> str:
    return f"generation.job.{job_id}"


def job_event_send(job_id: int, payload: dict) -> None:
    """Queue one event for everyone watching the job (returns at once; order is kept)."""
    payload = {**payload, "job": job_id, "sent_at": time.time()}
    _get_sender().send(group_for_job(job_id), {"type": "generation.event", "payload": payload})


def job_events_flush(timeout: float = SEND_TIMEOUT) -> bool:
    """Wait until every queued event has left (called before a task returns)."""
    return _get_sender().flush(timeout)


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
