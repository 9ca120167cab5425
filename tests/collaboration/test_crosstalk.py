"""Two installations on one Redis server (different Redis database numbers, different databases) never
exchange live edits, even for posts with the same id: Redis pub/sub ignores the database number, so
every channel name carries a digest of the installation (or its explicit CHANNEL_PREFIX). Processes of
one installation still meet."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.conf import settings as dj_settings
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from apps.collaboration import protocol
from apps.collaboration.layer import pubsub_layer_for, pubsub_prefix
from apps.collaboration.room import Registry

from .conftest import run_async

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not dj_settings.REDIS_URL, reason="needs Redis"),
]


class _Conn:
    """What a room needs from a websocket connection; keeps the frames it is sent."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.user_id = None
        self.frames: list[bytes] = []

    async def send_frame(self, frame: bytes) -> None:
        self.frames.append(frame)

    async def close_room_failed(self) -> None:
        raise AssertionError(f"{self.name}: the room failed")


def _redis_layer(db_number: int, prefix: str = "asgi"):
    from channels_redis.core import RedisChannelLayer

    parsed = urlparse(dj_settings.REDIS_URL)
    address = f"redis://{parsed.hostname or '127.0.0.1'}:{parsed.port or 6379}/{db_number}"
    # The stock configuration of both installations: only the Redis database number differs.
    return RedisChannelLayer(hosts=[{"address": address}], prefix=prefix)


def _database(name: str) -> dict:
    return {"ENGINE": "django.db.backends.postgresql", "HOST": "127.0.0.1", "PORT": "5432", "NAME": name}


def _texts(room) -> list[str]:
    fragment = room.doc.get("default", type=XmlFragment)
    return [str(child.children[0]) for child in fragment.children if len(child.children)]


def _edit(room, text: str) -> bytes:
    doc = Doc()
    doc.apply_update(room.doc.get_update())
    before = doc.get_state()
    doc.get("default", type=XmlFragment).children.append(XmlElement("paragraph", {}, [XmlText(text)]))
    return doc.get_update(before)


async def _until(predicate, timeout: float) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def _run_installations(post_id: int, layers: dict) -> dict:
    """Open the same post in a room of every "process" (name -> pub/sub layer), edit in a1 and in b,
    and report what each room ended up with after several re-sync rounds."""
    registries = {name: Registry(layer=layer) for name, layer in layers.items()}
    conns = {name: _Conn(name) for name in layers}
    rooms = {name: await registries[name].join(post_id, conns[name]) for name in layers}
    try:
        await rooms["a1"].apply_client_update(_edit(rooms["a1"], "A: Привет 👩‍💻"), origin=conns["a1"], user_id=None)
        await rooms["b"].apply_client_update(_edit(rooms["b"], "B: مرحبا 🇺🇦"), origin=conns["b"], user_id=None)
        await _until(lambda: "A: Привет 👩‍💻" in _texts(rooms["a2"]), timeout=5)
        # Several state-vector re-sync rounds (COLLAB_RESYNC_SECONDS is 0.5 s here): a room that
        # shared a group with the other installation would be "healed" with its text.
        await asyncio.sleep(1.6)
        return {name: _texts(room) for name, room in rooms.items()} | {
            f"{name}-frames": sum(1 for f in conn.frames if f[:1] == bytes([protocol.MESSAGE_SYNC]))
            for name, conn in conns.items()
        }
    finally:
        for registry in registries.values():
            for room in list(registry.rooms.values()):
                await room.stop(snapshot=False)
            await registry.log.close()
        for layer in {id(layer): layer for layer in layers.values()}.values():
            await layer.flush()


def test_two_installations_on_one_redis_do_not_exchange_live_edits(collab_settings, post):
    collab_settings.CHANNEL_PREFIX = ""
    # Installation A: Redis db 11, database "newsroom_a", two processes; installation B: db 12, "newsroom_b".
    installations = {"a1": (11, "newsroom_a"), "a2": (11, "newsroom_a"), "b": (12, "newsroom_b")}
    redis = {name: _redis_layer(number) for name, (number, _db) in installations.items()}
    prefixes = {name: pubsub_prefix(redis[name], database=_database(db)) for name, (_n, db) in installations.items()}
    assert prefixes["a1"] == prefixes["a2"] != prefixes["b"]
    layers = {name: pubsub_layer_for(redis[name], database=_database(db)) for name, (_n, db) in installations.items()}
    seen = run_async(_run_installations(post.pk, layers))
    # The two processes of installation A share the room...
    assert "A: Привет 👩‍💻" in seen["a2"]
    assert "B: مرحبا 🇺🇦" not in seen["a1"] and "B: مرحبا 🇺🇦" not in seen["a2"]
    # ...and installation B, with a post of the same id, never hears of it.
    assert "A: Привет 👩‍💻" not in seen["b"]
    assert seen["b-frames"] == 0


def test_an_explicit_channel_prefix_names_the_installation(collab_settings, post):
    collab_settings.CHANNEL_PREFIX = "newsroom-a"
    a = pubsub_prefix(_redis_layer(11), database=_database("one"))
    also_a = pubsub_prefix(_redis_layer(11), database=_database("reached-under-another-name"))
    assert a == also_a == "newsroom-a-collab"


def test_the_stock_names_did_cross_between_installations(collab_settings, post):
    """The setup above is a real test: with the names the rooms used before (the layer's prefix alone)
    the same two installations exchange edits over Redis pub/sub."""
    from channels_redis.pubsub import RedisPubSubChannelLayer

    def old(db_number: int):
        layer = _redis_layer(db_number, prefix=f"crosstalk-{post.pk}-{os.getpid()}")
        return RedisPubSubChannelLayer(hosts=layer.hosts, prefix=f"{layer.prefix}-collab")

    layers = {"a1": old(11), "a2": old(11), "b": old(12)}
    seen = run_async(_run_installations(post.pk, layers))
    assert "A: Привет 👩‍💻" in seen["b"]


def _settings_prefix(**env) -> str:
    code = (
        "import json, config.settings.local as s; "
        "print(json.dumps(s.CHANNEL_LAYERS['default'].get('CONFIG', {}).get('prefix')))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CHANNEL_PREFIX"}}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_settings_give_each_installation_its_own_channel_layer_prefix():
    a = _settings_prefix(DATABASE_URL="postgres://app@db:5432/newsroom_a", REDIS_URL="redis://cache:6379/1")
    b = _settings_prefix(DATABASE_URL="postgres://app@db:5432/newsroom_b", REDIS_URL="redis://cache:6379/2")
    again = _settings_prefix(DATABASE_URL="postgres://app@db:5432/newsroom_a", REDIS_URL="redis://cache:6379/1")
    other_db_number = _settings_prefix(
        DATABASE_URL="postgres://app@db:5432/newsroom_a", REDIS_URL="redis://cache:6379/3"
    )
    assert a == again and a.startswith("trendoscope-")
    assert len({a, b, other_db_number}) == 3
    assert (
        _settings_prefix(
            DATABASE_URL="postgres://app@db:5432/newsroom_a", REDIS_URL="redis://cache:6379/1", CHANNEL_PREFIX="mine"
        )
        == "mine"
    )
