"""Live-editing settings (COLLAB_<NAME>, declared in config/settings/base.py) and the installation's name."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings


def collab_setting(name: str) -> Any:
    """The Django setting COLLAB_<NAME> (declared, with its default and environment variable, in
    config/settings/base.py)."""
    return getattr(settings, f"COLLAB_{name}")


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
