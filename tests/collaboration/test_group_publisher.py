"""The rooms' fast group sender (layer.GroupPublisher): what it writes is what channels-redis subscribers
of the same layer receive, in order; a lost Redis connection costs at most the message in flight and
the next one reconnects."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import redis.asyncio as aioredis
from django.conf import settings as dj_settings

from apps.collaboration.layer import GroupPublisher, group_publisher

from .conftest import run_async

pytestmark = pytest.mark.skipif(not dj_settings.REDIS_URL, reason="needs Redis")


def _layers():
    from channels_redis.pubsub import RedisPubSubChannelLayer

    prefix = f"test-publisher-{uuid.uuid4().hex[:8]}"
    hosts = [{"address": dj_settings.REDIS_URL}]
    return RedisPubSubChannelLayer(hosts=hosts, prefix=prefix), RedisPubSubChannelLayer(hosts=hosts, prefix=prefix)


async def _subscribed(layer, group: str) -> str:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    await asyncio.sleep(0.2)  # the SUBSCRIBE reaches Redis
    return channel


def test_messages_reach_channels_redis_subscribers_in_order():
    async def scenario():
        sender, receiver = _layers()
        channel = await _subscribed(receiver, "collab.post.1")
        publisher = group_publisher(sender)
        assert isinstance(publisher, GroupPublisher) and group_publisher(sender) is publisher
        texts = ["Привет, **мир**", "日本語のテキスト", "مرحبا بالعالم", "👩🏽‍💻 e\u0301 “quoted”"]
        sent = [{"type": "update", "data": f"{i} {texts[i % 4]}".encode(), "src": "x"} for i in range(200)]
        for message in sent:
            await publisher.group_send("collab.post.1", message)
        got = [await asyncio.wait_for(receiver.receive(channel), 5) for _ in sent]
        await publisher.close()
        await sender.flush()
        await receiver.flush()
        return sent, got

    sent, got = run_async(scenario())
    assert got == sent


def test_a_killed_connection_is_replaced_by_the_next_message():
    async def scenario():
        sender, receiver = _layers()
        channel = await _subscribed(receiver, "collab.post.2")
        publisher = group_publisher(sender)
        await publisher.group_send("collab.post.2", {"type": "update", "data": b"before"})
        first = await asyncio.wait_for(receiver.receive(channel), 5)
        admin = aioredis.Redis.from_url(dj_settings.REDIS_URL)
        killed = 0
        for client in await admin.client_list():
            if client.get("name") == f"trendoscope-rooms-{os.getpid()}":
                killed += await admin.execute_command("CLIENT", "KILL", "ID", client["id"])
        deadline = asyncio.get_running_loop().time() + 5
        while publisher._conns and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        dropped = not publisher._conns
        await publisher.group_send("collab.post.2", {"type": "update", "data": b"after"})
        second = await asyncio.wait_for(receiver.receive(channel), 5)
        await publisher.close()
        await admin.aclose()
        await sender.flush()
        await receiver.flush()
        return first, killed, dropped, second

    first, killed, dropped, second = run_async(scenario())
    assert first["data"] == b"before"
    assert killed >= 1 and dropped
    assert second["data"] == b"after"


def test_other_layers_keep_their_own_group_send():
    from channels.layers import InMemoryChannelLayer

    layer = InMemoryChannelLayer()

    async def scenario():
        return group_publisher(layer)

    assert run_async(scenario()) is layer
