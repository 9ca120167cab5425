"""Live-editing settings with their defaults (override any of them as COLLAB_<NAME> in settings)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Updates are in the log before they are relayed; False = relay first, write behind (benchmarks).
    "DURABLE": True,
    # A document larger than this refuses further growth with a clear message.
    "MAX_DOCUMENT_BYTES": 32 * 1024 * 1024,
    # A single websocket frame larger than this closes the connection (a full sync of the largest
    # document must fit).
    "MAX_FRAME_BYTES": 33 * 1024 * 1024,
    # One awareness message (a cursor, a name, a colour) is small; anything larger closes the sender.
    "MAX_AWARENESS_BYTES": 64 * 1024,
    # A room with nobody in it is unloaded (and snapshotted into a Revision) after this long.
    "IDLE_SECONDS": 30.0,
    # Rooms of the same post in different processes compare state this often.
    "RESYNC_SECONDS": 5.0,
    # While people keep editing, a Revision snapshot is taken at most this often.
    "SNAPSHOT_SECONDS": 300.0,
    # Compaction folds log rows older than this into the checkpoint.
    "COMPACT_MIN_AGE_SECONDS": 60.0,
    "COMPACT_BATCH_ROWS": 5000,
    # When the first room of a process opens, freeze the heap loaded so far out of the cyclic GC
    # (full collections over Django's import-time objects were event-loop pauses of tens of ms).
    "FREEZE_GC": True,
    # Over Redis, rooms of different processes meet through channels-redis's pub/sub layer (one
    # PUBLISH per group message) instead of the default layer's sorted-set queues.
    "PUBSUB": True,
    # PostgreSQL's synchronous_commit for the update log's connection. "on" (the default) relays an
    # update only once its row is flushed to disk. "off" relays once PostgreSQL has it (a crash of the
    # app keeps every relayed update; a crash of the database server or machine may lose the last
    # fraction of a second, which the editors' own copies send back when they reconnect).
    "LOG_SYNCHRONOUS_COMMIT": "on",
}


def collab_setting(name: str) -> Any:
    """Django setting COLLAB_<NAME>, else the environment variable of that name, else the default."""
    key = f"COLLAB_{name}"
    if hasattr(settings, key):
        return getattr(settings, key)
    raw = os.environ.get(key)
    default = DEFAULTS[name]
    if raw is None:
        return default
    if isinstance(default, bool):
        if raw.lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise ValueError(f"{key}={raw!r} is not a boolean")
        return raw.lower() in ("1", "true", "yes", "on")
    return type(default)(raw)


def installation_digest(*, database: Mapping[str, Any], redis: Iterable[Any]) -> str:
    """A short digest that tells installations apart: the database they write to (engine, host, port,
    name) and the Redis server(s) they talk through, database number included. Processes of one
    installation share both, so they agree; two installations on one Redis server differ in their
    database (or Redis database number), so their channel names differ.

    Redis pub/sub ignores the database number: a channel named the same in two installations on one
    server is one channel. Every channel name that goes through pub/sub must carry this digest (or an
    explicit CHANNEL_PREFIX that is unique per installation)."""
    parts = [
        str(database.get("ENGINE") or ""),
        str(database.get("HOST") or ""),
        str(database.get("PORT") or ""),
        str(database.get("NAME") or ""),
        *sorted(repr(sorted(host.items())) if isinstance(host, Mapping) else repr(host) for host in redis),
    ]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=6).hexdigest()


def default_channel_prefix(*, database: Mapping[str, Any], redis_url: str) -> str:
    """CHANNEL_PREFIX when none is set: unique per installation (see installation_digest)."""
    return f"trendoscope-{installation_digest(database=database, redis=[redis_url])}"
