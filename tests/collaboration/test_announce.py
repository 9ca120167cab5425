"""On PostgreSQL the update log's commit announces each update to the rooms of the same post in other
processes (NOTIFY, delivered by the database at commit; store.LogFollower), instead of the writer
publishing it through Redis after its commit. Two Registries on one event loop stand for two processes:
each has its own log connection, its own listening connection and its own token."""

from __future__ import annotations

import asyncio
import uuid

import psycopg
import pytest
from django.conf import settings as dj_settings
from django.db import connection

from apps.collaboration import protocol
from apps.collaboration.layer import group_name
from apps.collaboration.room import Registry
from apps.collaboration.store import _conninfo

from .conftest import run_async
from .test_crosstalk import _Conn, _edit, _texts, _until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not dj_settings.REDIS_URL, reason="needs Redis"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="announcements are PostgreSQL's NOTIFY"),
]

TEXTS = ["«Привет», — сказал он 👩🏽‍💻", "日本語の見出し", "مرحبا بالعالم", "e\u0301te\u0301 “quoted” 🇺🇦"]


def _layer(prefix: str):
    from channels_redis.pubsub import RedisPubSubChannelLayer

    return RedisPubSubChannelLayer(hosts=[{"address": dj_settings.REDIS_URL}], prefix=prefix)


async def _group_updates(prefix: str, post_id: int, seen: list) -> asyncio.Task:
    """Every update message that goes through Redis to the post's room group."""
    watcher = _layer(prefix)
    channel = await watcher.new_channel()
    await watcher.group_add(group_name(post_id), channel)

    async def watch():
        while True:
            message = await watcher.receive(channel)
            if message.get("type") == "update":
                seen.append(message["data"])

    return asyncio.get_running_loop().create_task(watch())


async def _two_processes(post_id: int, scenario):
    prefix = f"test-announce-{uuid.uuid4().hex[:8]}"
    layers = [_layer(prefix), _layer(prefix)]
    registries = [Registry(layer=layer) for layer in layers]
    conns = [_Conn("a"), _Conn("b")]
    rooms = [await registries[i].join(post_id, conns[i]) for i in range(2)]
    through_redis: list[bytes] = []
    watcher = await _group_updates(prefix, post_id, through_redis)
    await asyncio.sleep(0.2)  # the SUBSCRIBE and LISTEN reach their servers
    try:
        return await scenario(rooms, conns, registries, through_redis)
    finally:
        watcher.cancel()
        for registry in registries:
            await registry.shutdown()
        for layer in layers:
            await layer.flush()


def _sync_frames(conn: _Conn) -> int:
    return sum(1 for frame in conn.frames if frame[:1] == bytes([protocol.MESSAGE_SYNC]))


def _deaf_to_redis(room) -> None:
    """The room stops reading its channel-layer group: only the log's announcements reach it."""
    room._tasks[0].cancel()


def test_an_update_reaches_the_other_process_from_the_commit(collab_settings, post):
    collab_settings.COLLAB_RESYNC_SECONDS = 60  # no re-sync can carry it instead

    async def scenario(rooms, conns, _registries, through_redis):
        a, b = rooms
        assert a.announce and a.announce == b.announce
        _deaf_to_redis(b)
        for text in TEXTS:
            await a.apply_client_update(_edit(a, text), origin=conns[0], user_id=None)
        arrived = await _until(lambda: all(text in _texts(b) for text in TEXTS), timeout=5)
        await asyncio.sleep(0.2)
        return arrived, _texts(b), _sync_frames(conns[1]), len(through_redis)

    arrived, texts, frames, copies = run_async(_two_processes(post.pk, scenario))
    assert arrived, texts
    assert texts[-len(TEXTS) :] == TEXTS  # every character, in order
    assert frames == len(TEXTS)
    assert copies == len(TEXTS)  # the copies for a process that misses an announcement


def test_a_process_hearing_both_copies_relays_each_update_once(collab_settings, post):
    collab_settings.COLLAB_RESYNC_SECONDS = 60

    async def scenario(rooms, conns, _registries, through_redis):
        a, b = rooms
        for text in TEXTS * 3:
            await a.apply_client_update(_edit(a, text), origin=conns[0], user_id=None)
        await _until(lambda: len(through_redis) == 3 * len(TEXTS), timeout=5)
        await asyncio.sleep(0.3)
        return _texts(b), _sync_frames(conns[1])

    texts, frames = run_async(_two_processes(post.pk, scenario))
    assert texts[-3 * len(TEXTS) :] == TEXTS * 3
    assert frames == 3 * len(TEXTS)


def test_an_update_too_large_to_announce_goes_through_redis(collab_settings, post):
    collab_settings.COLLAB_RESYNC_SECONDS = 60
    collab_settings.COLLAB_LOG_ANNOUNCE_MAX_BYTES = 200
    long_text = "Длинный абзац с «кавычками» и эмодзи 👨‍👩‍👧‍👦. " * 20

    async def scenario(rooms, conns, _registries, through_redis):
        a, b = rooms
        small = _edit(a, "short")
        await a.apply_client_update(small, origin=conns[0], user_id=None)
        large = _edit(a, long_text)
        assert len(large) > 200 >= len(small)
        await a.apply_client_update(large, origin=conns[0], user_id=None)
        arrived = await _until(lambda: long_text in _texts(b) and "short" in _texts(b), timeout=5)
        await asyncio.sleep(0.2)
        return arrived, _sync_frames(conns[1])

    arrived, frames = run_async(_two_processes(post.pk, scenario))
    assert arrived
    assert frames == 2


def test_edits_cross_while_the_listening_connection_is_lost_and_after_it_is_back(collab_settings, post):
    collab_settings.COLLAB_RESYNC_SECONDS = 60

    async def scenario(rooms, conns, registries, _through_redis):
        a, b = rooms
        follower = registries[1].store.follower
        pid = follower._conn.info.backend_pid
        async with await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True) as admin:
            await admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        # Meanwhile the copy through Redis carries it.
        await a.apply_client_update(_edit(a, "while «lost»"), origin=conns[0], user_id=None)
        during = await _until(lambda: "while «lost»" in _texts(b), timeout=5)
        back = await _until(lambda: follower._conn is not None and follower._conn.info.backend_pid != pid, timeout=10)
        await asyncio.sleep(0.2)
        _deaf_to_redis(b)
        await a.apply_client_update(_edit(a, "after «перезапуска»"), origin=conns[0], user_id=None)
        after = await _until(lambda: "after «перезапуска»" in _texts(b), timeout=5)
        return during, back, after, _texts(b)

    during, back, after, texts = run_async(_two_processes(post.pk, scenario))
    assert during and back and after, texts
