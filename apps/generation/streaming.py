"""Sending job events to the browser while a worker streams tokens.

Token deltas are ephemeral progress, sent straight away rather than on commit (the job row is not in a
transaction while the model streams). One event loop per process carries them, so the Redis channel
layer keeps one connection pool instead of building one per token, and events stay in order."""

from __future__ import annotations

import asyncio
import collections
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
    """A background event loop that sends queued events in order. Producers append to a deque and wake
    the loop only when it is idle, so a fast stream costs one wake-up per batch, not one per token."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.lock = threading.Lock()
        self.buffer: collections.deque[tuple[str, dict]] = collections.deque()
        self.scheduled = False
        self.idle = threading.Event()
        self.idle.set()
        self.thread = threading.Thread(target=self.loop.run_forever, name="generation-events", daemon=True)
        self.thread.start()

    async def _drain(self) -> None:
        while True:
            with self.lock:
                if not self.buffer:
                    self.scheduled = False
                    self.idle.set()
                    return
                batch = list(self.buffer)
                self.buffer.clear()
            try:
                layer = get_channel_layer()
                for group, message in _merge_deltas(batch):
                    if layer is not None:
                        await layer.group_send(group, message)
            except Exception:  # a lost progress event must not kill the sender; the job row is the truth
                logger.warning("generation events not sent", exc_info=True)

    def send(self, group: str, message: dict) -> None:
        with self.lock:
            self.buffer.append((group, message))
            self.idle.clear()
            if self.scheduled:
                return
            self.scheduled = True
        asyncio.run_coroutine_threadsafe(self._drain(), self.loop)

    def flush(self, timeout: float) -> bool:
        return self.idle.wait(timeout)


def _merge_deltas(batch: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    """Consecutive token deltas of one job waiting together become one message: when sending keeps
    up, every token goes alone (lowest latency); when it falls behind, they travel in batches."""
    merged: list[tuple[str, dict]] = []
    for group, message in batch:
        payload = message["payload"]
        if merged and payload.get("event") == "delta":
            last_group, last = merged[-1]
            if last_group == group and last["payload"].get("event") == "delta":
                text = last["payload"]["text"] + payload["text"]
                merged[-1] = (group, {**message, "payload": {**payload, "text": text}})
                continue
        merged.append((group, message))
    return merged


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
