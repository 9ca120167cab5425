"""apps.core.services.broadcast_on_commit from sync code (a worker): sent after commit, on one reused loop."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from apps.core import services as core_services

pytestmark = pytest.mark.django_db


def test_sync_broadcasts_arrive_after_commit_in_order(django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("test.core.broadcast", channel)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            for n in range(3):
                core_services.broadcast_on_commit("test.core.broadcast", {"type": "note", "n": n})
        assert len(callbacks) == 3  # nothing is sent before the commit
        for callback in callbacks:
            callback()

        async def collect():
            return [(await layer.receive(channel))["n"] for _ in range(3)]

        assert async_to_sync(collect)() == [0, 1, 2]
    finally:
        async_to_sync(layer.group_discard)("test.core.broadcast", channel)
