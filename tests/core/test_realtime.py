"""apps.core.realtime from sync code (a worker): sent after commit, in order, on one reused loop; token
deltas that wait together travel as one message."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.core import realtime

pytestmark = pytest.mark.django_db

NOTE = realtime.Event("test.note", realtime.fields({"n": {"type": "integer"}}))
PIECE = realtime.Event(
    "test.piece",
    realtime.fields({"text": {"type": "string"}}),
    merge=lambda last, new: {**new, "text": last["text"] + new["text"]},
)


def _listen(group: str):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def test_sync_broadcasts_arrive_after_commit_in_order(django_capture_on_commit_callbacks):
    layer, channel = _listen("test.core.broadcast")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            for n in range(3):
                realtime.send_on_commit("test.core.broadcast", NOTE.build(n=n))
        assert len(callbacks) == 3  # nothing is sent before the commit
        for callback in callbacks:
            callback()

        async def collect():
            return [(await layer.receive(channel))["n"] for _ in range(3)]

        assert async_to_sync(collect)() == [0, 1, 2]
    finally:
        async_to_sync(layer.group_discard)("test.core.broadcast", channel)


def test_consecutive_mergeable_events_that_wait_together_travel_as_one():
    batch = [("g", PIECE.build(text=t)) for t in ("При", "вет, ", "世界 ", "👩🏽‍💻")]
    batch.insert(2, ("other", PIECE.build(text="x")))
    merged = realtime._merged(batch)
    assert merged == [
        ("g", PIECE.build(text="Привет, ")),
        ("other", PIECE.build(text="x")),
        ("g", PIECE.build(text="世界 👩🏽‍💻")),
    ]
    assert realtime._merged([("g", NOTE.build(n=1)), ("g", NOTE.build(n=2))]) == [
        ("g", NOTE.build(n=1)),
        ("g", NOTE.build(n=2)),
    ]


def test_many_events_from_a_worker_thread_all_arrive_in_order():
    # (fewer than the channel layer's capacity per channel, 100, beyond which it drops messages)
    layer, channel = _listen("test.core.stream")
    try:
        for n in range(80):
            realtime.send("test.core.stream", NOTE.build(n=n))
        assert realtime.flush(10)

        async def collect():
            return [(await asyncio.wait_for(layer.receive(channel), 10))["n"] for _ in range(80)]

        assert async_to_sync(collect)() == list(range(80))
    finally:
        async_to_sync(layer.group_discard)("test.core.stream", channel)
