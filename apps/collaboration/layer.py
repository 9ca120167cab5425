"""The channel layer rooms meet on: group names and the pub/sub layer rooms of different processes
share, named per installation."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.layers import get_channel_layer
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


def group_name(post_id: int) -> str:
    """A post's room group. The layer puts its prefix (unique per installation, see room_layer) in front."""
    return f"collab.post.{post_id}"


_pubsub_layers: dict[tuple[int, str], tuple[Any, Any]] = {}


def pubsub_prefix(layer, *, database: dict | None = None) -> str:
    """The prefix of the rooms' pub/sub channels. Redis pub/sub ignores the database number, so two
    installations on one Redis server (say db 1 and db 2, both with the stock prefix) would share every
    channel, and posts with the same id would exchange live edits. An explicit CHANNEL_PREFIX is taken
    as the operator's unique name for the installation; otherwise the name is a digest of the database
    this process writes to and the Redis hosts (with their database number), which every process of one
    installation shares whatever its channel layer's own prefix."""
    explicit = getattr(settings, "CHANNEL_PREFIX", "")
    if explicit:
        return f"{explicit}-collab"
    if database is None:
        database = connections["default"].settings_dict
    digest = installation_digest(database=database, redis=getattr(layer, "hosts", None) or [])
    return f"trendoscope-collab-{digest}"


def pubsub_layer_for(layer, *, database: dict | None = None):
    """channels-redis's pub/sub layer on the same hosts as `layer`, under this installation's prefix."""
    from channels_redis.pubsub import RedisPubSubChannelLayer  # only with the Redis layer configured

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
    try:
        from channels_redis.core import RedisChannelLayer
    except ImportError:  # pragma: no cover - channels-redis is a runtime dependency
        return layer
    if not isinstance(layer, RedisChannelLayer):
        return layer
    return pubsub_layer_for(layer)
