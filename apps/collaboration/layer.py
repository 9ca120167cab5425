"""The channel layer rooms meet on: group names and the pub/sub layer rooms of different processes
share, named per installation."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
from typing import Any

from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import create_pool
from django.conf import settings
from django.db import connections

from .conf import collab_setting, installation_digest

logger = logging.getLogger(__name__)


async def receive_forever(layer, channel: str, *, what: str):
    """Every message that arrives on `channel`, for as long as the caller listens; a failed receive
    (Redis restarting) is logged and retried after a pause instead of ending the loop."""
    while True:
        try:
            message = await layer.receive(channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("%s channel receive failed", what, exc_info=True)
            await asyncio.sleep(0.5)
            continue
        yield message


def log_channel(layer, post_id: int) -> str:
    """The PostgreSQL notification channel on which the update log announces a post's updates to the
    rooms of other processes (store.LogFollower). Named per installation like the layer's own names
    (two installations may share one database server, or one database under different schemas); a
    PostgreSQL identifier, so at most 63 bytes."""
    scope = getattr(layer, "prefix", "") or ""
    return f"collab_{hashlib.blake2b(scope.encode(), digest_size=6).hexdigest()}_{post_id}"


def group_name(post_id: int) -> str:
    """A post's room group. The layer puts its prefix (unique per installation, see room_layer) in front."""
    return f"collab.post.{post_id}"


_pubsub_layers: dict[tuple[int, str], tuple[Any, Any]] = {}


class GroupPublisher:
    """Group messages of a channels-redis pub/sub layer, written to Redis on the caller's own turn of the
    event loop. The layer's group_send goes through redis-py's connection pool (a lock, a health check,
    pool bookkeeping, a timeout task per command); measured in benchmarks/bench_collab.py, the PUBLISH of
    an edit left only after the room had finished serving its local peers, which made every peer in
    another process wait ~1 ms longer. Here the command is written at once on a connection of its own
    per shard and the replies are read by a background task. The message is the layer's own (its
    serializer, group channel name and shard), so rooms subscribed through channels-redis receive it
    unchanged."""

    def __init__(self, layer) -> None:
        self._layer = layer
        self._conns: dict[int, Any] = {}
        self._readers: dict[int, asyncio.Task] = {}

    async def group_send(self, group: str, message: dict) -> None:
        loop_layer = self._layer._get_layer()
        channel = loop_layer._get_group_channel_name(group)
        shard = loop_layer._get_shard(channel)
        conn = self._conns.get(id(shard))
        if conn is None:
            conn = await self._connect(shard)
        try:
            await conn.send_packed_command(conn.pack_command("PUBLISH", channel, self._layer.serialize(message)), False)
        except Exception:
            await self._drop(id(shard), conn)
            raise

    async def _connect(self, shard):
        pool = create_pool(shard.host)
        # No socket timeout: with one, redis-py wraps every write in a task of its own (a loop turn).
        kwargs = {"client_name": f"trendoscope-rooms-{os.getpid()}", **pool.connection_kwargs, "socket_timeout": None}
        conn = pool.connection_class(**kwargs)
        await conn.connect()
        self._conns[id(shard)] = conn
        self._readers[id(shard)] = asyncio.get_running_loop().create_task(self._read_replies(id(shard), conn))
        return conn

    async def _read_replies(self, key: int, conn) -> None:
        try:
            while True:
                await conn.read_response()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("room publisher connection lost; reconnecting on the next message", exc_info=True)
            await self._drop(key, conn)

    async def _drop(self, key: int, conn) -> None:
        if self._conns.get(key) is conn:
            del self._conns[key]
        reader = self._readers.pop(key, None)
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
        await conn.disconnect()

    async def close(self) -> None:
        for key, conn in list(self._conns.items()):
            await self._drop(key, conn)


_publishers: dict[tuple[int, int], GroupPublisher] = {}


def group_publisher(layer):
    """The fast group sender for `layer` on this event loop: a GroupPublisher for the channels-redis
    pub/sub layer, the layer itself otherwise (the in-memory layer of the embedded default)."""
    if not _is_pubsub(layer):
        return layer
    key = (id(layer), id(asyncio.get_running_loop()))
    publisher = _publishers.get(key)
    if publisher is None or publisher._layer is not layer:
        publisher = _publishers[key] = GroupPublisher(layer)
    return publisher


def _is_pubsub(layer) -> bool:
    # Sentinel-managed hosts keep the layer's own sender (their pool finds the master per connection).
    return isinstance(layer, RedisPubSubChannelLayer) and not any(
        isinstance(host, dict) and host.get("sentinels") for host in layer._kwargs.get("hosts") or []
    )


def pubsub_prefix(layer, *, database: dict | None = None) -> str:
    """The prefix of the rooms' pub/sub channels. Redis pub/sub ignores the database number, so two
    installations on one Redis server (say db 1 and db 2, both with the stock prefix) would share every
    channel, and posts with the same id would exchange live edits. An explicit CHANNEL_PREFIX is taken
    as the operator's unique name for the installation; otherwise the name is a digest of the database
    this process writes to and the Redis hosts (with their database number), which every process of one
    installation shares whatever its channel layer's own prefix."""
    explicit = settings.CHANNEL_PREFIX
    if explicit:
        return f"{explicit}-collab"
    if database is None:
        database = connections["default"].settings_dict
    digest = installation_digest(database=database, redis=getattr(layer, "hosts", None) or [])
    return f"trendoscope-collab-{digest}"


def pubsub_layer_for(layer, *, database: dict | None = None):
    """channels-redis's pub/sub layer on the same hosts as `layer`, under this installation's prefix."""
    prefix = pubsub_prefix(layer, database=database)
    key = (id(layer), prefix)
    cached = _pubsub_layers.get(key)
    if cached is None or cached[0] is not layer:
        cached = (layer, RedisPubSubChannelLayer(hosts=layer.hosts, prefix=prefix))
        _pubsub_layers[key] = cached
    return cached[1]


def room_layer():
    """The channel layer rooms talk through. Over Redis that is channels-redis's pub/sub layer on the
    same hosts: a group message is one PUBLISH pushed to the subscribed processes, where the default
    layer's group_send costs three round trips (ZREMRANGEBYSCORE, ZRANGE, EVAL) and every receive a
    BZPOPMIN poll plus clean-up; under load those Redis hops were most of a room's event-loop time.
    Losing a message (a process not yet subscribed) is what the periodic state-vector re-sync heals.
    Its channel names are unique per installation (pubsub_prefix)."""
    layer = get_channel_layer()
    if layer is None or not collab_setting("PUBSUB"):
        return layer
    if not isinstance(layer, RedisChannelLayer):
        return layer
    return pubsub_layer_for(layer)
