"""The real-time seam: how events reach the websockets.

- Each app declares its events in its own `events.py`: the group names and, for each event, an
  `Event` (the channel-layer message type, the JSON schema of the message, a builder). Consumers
  (apps.core.consumers.EventConsumer) forward declared events; tests/core/test_event_schemas.py runs
  the app's flows and validates every message sent against its schema.
- `send` / `send_on_commit` queue a message from plain sync code (Celery workers, views) on one
  background sender per process: one event loop in a daemon thread, which keeps the order of the
  messages and one channel-layer connection pool for the life of the process (async_to_sync would
  start a thread, a loop and a new Redis pool for every message). Producers append and wake the
  loop only when it is idle, so a fast stream costs one wake-up per batch; consecutive messages of an
  Event that declares `merge` (token deltas) travel as one when sending falls behind.
- Code already running under the ASGI server's loop (a view under uvicorn, through sync_to_async) and
  the in-memory layer of the embedded default (its queues belong to the server's loop) send through
  async_to_sync on that loop, in the caller's thread.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jsonschema
from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
FLUSH_TIMEOUT = 5.0


@dataclass(frozen=True)
class Event:
    """One kind of message on the channel layer. `schema` describes the message's fields besides
    "type" (a JSON Schema object); `merge(last, new)` may fold two consecutive messages of one group
    into one (None: keep both)."""

    type: str
    schema: dict
    merge: Callable[[dict, dict], dict | None] | None = None

    def __post_init__(self) -> None:
        if self.type in EVENTS:
            raise ValueError(f"the event {self.type!r} is declared twice")
        EVENTS[self.type] = self

    def build(self, **fields: Any) -> dict:
        return {"type": self.type, **fields}

    @property
    def handler(self) -> str:
        """The consumer method Channels calls for it ("post.saved" -> post_saved)."""
        return self.type.replace(".", "_")


EVENTS: dict[str, Event] = {}


def fields(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict:
    """A JSON schema for an event's fields: `required` and `optional` map names to schemas."""
    return {
        "type": "object",
        "properties": {"type": {"type": "string"}, **required, **(optional or {})},
        "required": ["type", *required],
        "additionalProperties": False,
    }


def validate(message: dict) -> Event:
    """The declared Event of a message, once the message matches its schema (jsonschema raises)."""
    event = EVENTS.get(message.get("type", ""))
    if event is None:
        raise jsonschema.ValidationError(f"undeclared event type {message.get('type')!r}")
    jsonschema.validate(message, event.schema)
    return event


class _Sender:
    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.lock = threading.Lock()
        self.buffer: collections.deque[tuple[str, dict]] = collections.deque()
        self.scheduled = False
        self.idle = threading.Event()
        self.idle.set()
        self.thread = threading.Thread(target=self.loop.run_forever, name="realtime-sender", daemon=True)
        self.thread.start()

    def submit(self, group: str, message: dict) -> None:
        with self.lock:
            self.buffer.append((group, message))
            self.idle.clear()
            if self.scheduled:
                return
            self.scheduled = True
        asyncio.run_coroutine_threadsafe(self._drain(), self.loop)

    async def _drain(self) -> None:
        while True:
            with self.lock:
                if not self.buffer:
                    self.scheduled = False
                    self.idle.set()
                    return
                batch = list(self.buffer)
                self.buffer.clear()
            layer = get_channel_layer()
            for group, message in _merged(batch):
                try:
                    if layer is not None:
                        await layer.group_send(group, message)
                except Exception:  # a lost event must not stop the sender: the database is the truth
                    logger.warning("event %s to %s not sent", message.get("type"), group, exc_info=True)

    def flush(self, timeout: float) -> bool:
        return self.idle.wait(timeout)


def _merged(batch: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = []
    for group, message in batch:
        event = EVENTS.get(message.get("type", ""))
        if out and event is not None and event.merge is not None:
            last_group, last = out[-1]
            if last_group == group and last.get("type") == message.get("type"):
                folded = event.merge(last, message)
                if folded is not None:
                    out[-1] = (group, folded)
                    continue
        out.append((group, message))
    return out


_lock = threading.Lock()
_sender: _Sender | None = None


def _background() -> _Sender:
    global _sender
    with _lock:
        # A forked worker inherits the object but not its thread: it starts its own.
        if _sender is None or _sender.pid != os.getpid() or not _sender.thread.is_alive():
            _sender = _Sender()
        return _sender


def _on_server_loop(layer) -> bool:
    try:
        asyncio.get_running_loop()
        # A loop runs on this very thread (Playwright's sync API in tests, a notebook): async_to_sync
        # refuses to run here; the background sender does not mind.
        return False
    except RuntimeError:
        pass
    inside_asgi = getattr(SyncToAsync.threadlocal, "main_event_loop", None) is not None
    return inside_asgi or isinstance(layer, InMemoryChannelLayer)


def send(group: str, message: dict) -> None:
    """Send `message` to everyone in `group` (returns at once from sync code; the order is kept)."""
    layer = get_channel_layer()
    if layer is None:
        return
    if _on_server_loop(layer):
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:
            logger.warning("event %s to %s not sent", message.get("type"), group, exc_info=True)
        return
    _background().submit(group, message)


def send_on_commit(group: str, message: dict) -> None:
    """Send once the current transaction commits (never for a change that rolls back)."""
    transaction.on_commit(lambda: send(group, message))


def flush(timeout: float = FLUSH_TIMEOUT) -> bool:
    """Wait until every queued message has left (a task calls it before it returns)."""
    sender = _sender
    if sender is None or sender.pid != os.getpid():
        return True
    return sender.flush(timeout)
