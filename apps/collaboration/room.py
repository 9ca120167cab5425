"""The room server: one shared pycrdt document per open post per process.

Every document update a client sends is appended to the update log in the configured database (group
commit: all updates that arrive while one batch is being written go into the next) before it is
relayed to anyone.
Rooms of the same post in other processes are reached through a channels-redis group, and every few
seconds each room announces its state vector there so that a room which missed a message is healed.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections
from django.utils import timezone
from pycrdt import Doc, merge_updates

from . import protocol
from .conf import collab_setting, installation_digest

logger = logging.getLogger(__name__)


class DocumentTooLarge(Exception):
    pass


class Connection(Protocol):
    """What a room needs from a websocket connection (the consumer)."""

    user_id: int | None

    async def send_frame(self, frame: bytes) -> None: ...

    async def close_room_failed(self) -> None: ...


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
    from channels_redis.pubsub import RedisPubSubChannelLayer

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


def _read_state_vector(sv: bytes) -> dict[int, int]:
    reader = protocol._Reader(sv)
    count = reader.var_uint()
    clocks = {}
    for _ in range(count):
        client = reader.var_uint()
        clocks[client] = reader.var_uint()
    if not reader.done():
        raise protocol.ProtocolError("trailing bytes in state vector")
    return clocks


def _delete_set_digest(doc: Doc) -> str:
    # An update against our own state vector holds no structs, only the delete set.
    return hashlib.blake2b(doc.get_update(doc.get_state()), digest_size=16).hexdigest()


def _orm_write(rows: list[tuple[int, int | None, bytes]]) -> None:
    """One batch of the update log through the ORM, in one transaction (the non-PostgreSQL path)."""
    from django.db import transaction

    from .models import DocumentUpdate

    now = timezone.now()
    with transaction.atomic():
        DocumentUpdate.objects.bulk_create(
            [
                DocumentUpdate(post_id=post_id, user_id=user_id, data=data, created_at=now)
                for post_id, user_id, data in rows
            ]
        )


class UpdateLog:
    """Appends updates to collaboration_documentupdate, batching everything that queues up while the
    previous batch commits (group commit: one transaction per batch).

    On PostgreSQL a batch is one INSERT ... unnest() over a psycopg connection of its own per event
    loop (one round trip, measured in benchmarks/bench_collab.py). On any other backend (the embedded
    SQLite default) a batch is one bulk_create in one transaction through Django's ORM, on Django's
    sync thread, so that it goes to the very database the rest of the app uses and SQLite's single
    writer is taken once per batch."""

    def __init__(self) -> None:
        self._queue: list[tuple[int, int | None, bytes, asyncio.Future]] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._conn: Any = None
        self.batches = 0
        self.rows = 0

    async def append(self, *, post_id: int, user_id: int | None, data: bytes) -> None:
        future = asyncio.get_running_loop().create_future()
        self._queue.append((post_id, user_id, data, future))
        self._wakeup.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        await future

    @staticmethod
    def uses_psycopg() -> bool:
        return connections["default"].vendor == "postgresql"

    async def _connect(self):
        import psycopg

        settings = connections["default"].settings_dict
        # OPTIONS carries libpq parameters (sslmode, sslrootcert, connect_timeout, ...); Django-only
        # keys of the PostgreSQL backend are not libpq's and stay out.
        django_only = {"pool", "server_side_binding", "isolation_level", "assume_role", "context", "cursor_factory"}
        options = {
            key: str(value)
            for key, value in (settings.get("OPTIONS") or {}).items()
            if key not in django_only and isinstance(value, str | int)
        }
        conninfo = psycopg.conninfo.make_conninfo(
            dbname=settings["NAME"],
            user=settings.get("USER") or None,
            password=settings.get("PASSWORD") or None,
            host=settings.get("HOST") or None,
            port=str(settings.get("PORT") or "") or None,
            **options,
        )
        conn = await psycopg.AsyncConnection.connect(conninfo, autocommit=True)
        mode = collab_setting("LOG_SYNCHRONOUS_COMMIT")
        if mode != "on":
            if mode not in ("off", "local", "remote_write", "remote_apply"):
                raise ValueError(f"COLLAB_LOG_SYNCHRONOUS_COMMIT={mode!r} is not a synchronous_commit value")
            # Only this connection's commits: the row is in PostgreSQL (a crash of this process keeps
            # it) before the update is relayed, but the WAL flush to disk is not waited for.
            await conn.execute(f"SET synchronous_commit TO {mode}")
        return conn

    async def _write(self, batch) -> None:
        if not self.uses_psycopg():
            await database_sync_to_async(_orm_write)([(row[0], row[1], row[2]) for row in batch])
            return
        if self._conn is None or self._conn.closed:
            self._conn = await self._connect()
        # One statement, so one round trip and one commit for the whole batch.
        await self._conn.execute(
            "INSERT INTO collaboration_documentupdate (post_id, user_id, data, created_at)"
            " SELECT post_id, user_id, data, now()"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[]) AS t(post_id, user_id, data)",
            [[row[0] for row in batch], [row[1] for row in batch], [row[2] for row in batch]],
        )

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            batch, self._queue = self._queue, []
            if not batch:
                continue
            try:
                try:
                    await self._write(batch)
                except Exception:  # the connection may have gone away (server restart): reconnect once
                    logger.warning("update log write failed; reconnecting", exc_info=True)
                    await self.close()
                    await self._write(batch)
            except Exception as exc:
                for *_rest, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            self.batches += 1
            self.rows += len(batch)
            for *_rest, future in batch:
                if not future.done():
                    future.set_result(None)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except Exception:  # closing a dead connection
                logger.debug("closing the update log connection failed", exc_info=True)


@dataclass
class Room:
    post_id: int
    registry: Registry
    doc: Doc = field(default_factory=Doc)
    connections: set = field(default_factory=set)
    # Awareness as y-protocols keeps it: client id -> (clock, state JSON), and which connection
    # announced each client, so that its cursor can be removed the moment it disconnects.
    awareness: dict[int, tuple[int, str]] = field(default_factory=dict)
    awareness_owner: dict[int, Any] = field(default_factory=dict)
    size: int = 0
    channel: str = ""
    pending_writes: int = 0
    dirty_since_snapshot: bool = False
    last_snapshot: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)
    closed: bool = False
    _tasks: list = field(default_factory=list)
    _idle_handle: asyncio.TimerHandle | None = None
    _durable: asyncio.Event = field(default_factory=asyncio.Event)
    _outbox: list = field(default_factory=list)
    _outbox_task: asyncio.Task | None = None

    # ----- lifecycle
    async def start(self) -> None:
        from .services import document_load

        update = await database_sync_to_async(document_load)(post_id=self.post_id)
        self.doc.apply_update(update)
        self.size = len(update)
        self._durable.set()
        layer = self.registry.room_layer()
        if layer is not None:
            # The default prefix: channels-redis runs one receive loop per process for "specific." channels.
            self.channel = await layer.new_channel()
            await layer.group_add(group_name(self.post_id), self.channel)
            loop = asyncio.get_running_loop()
            self._tasks = [loop.create_task(self._listen(layer)), loop.create_task(self._resync_loop(layer))]

    async def stop(self, *, snapshot: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        for task in self._tasks:
            task.cancel()
        layer = self.registry.room_layer()
        if layer is not None and self.channel:
            try:
                await layer.group_discard(group_name(self.post_id), self.channel)
            except Exception:
                logger.warning("could not leave the room group", exc_info=True)
        if snapshot and self.dirty_since_snapshot:
            await _request_snapshot(self.post_id, reason="idle")

    # ----- connections
    def join(self, conn) -> None:
        self.connections.add(conn)
        self.last_activity = time.monotonic()
        if self._idle_handle is not None:
            self._idle_handle.cancel()
            self._idle_handle = None

    async def leave(self, conn) -> None:
        self.connections.discard(conn)
        gone = [cid for cid, owner in self.awareness_owner.items() if owner is conn]
        if gone:
            entries = []
            for cid in gone:
                clock = self.awareness.get(cid, (0, "null"))[0] + 1
                entries.append((cid, clock, "null"))
                self.awareness.pop(cid, None)
                self.awareness_owner.pop(cid, None)
            payload = protocol.awareness_payload(entries)
            await self._broadcast_local(protocol.awareness(payload))
            await self._group_send({"type": "awareness", "data": payload})
        if not self.connections:
            delay = collab_setting("IDLE_SECONDS")
            self._idle_handle = asyncio.get_running_loop().call_later(
                delay, lambda: asyncio.ensure_future(self.registry.unload_if_idle(self))
            )

    def awareness_frame(self) -> bytes | None:
        if not self.awareness:
            return None
        entries = [(cid, clock, state) for cid, (clock, state) in self.awareness.items()]
        return protocol.awareness(protocol.awareness_payload(entries))

    # ----- document
    async def wait_durable(self) -> None:
        """Wait until every update applied so far is in the log (a new client must not be served
        content that could still vanish in a crash)."""
        while self.pending_writes:
            self._durable.clear()
            await self._durable.wait()

    def step2_for(self, state_vector: bytes) -> bytes:
        try:
            return self.doc.get_update(state_vector)
        except Exception as exc:  # pycrdt raises ValueError-like errors for a bad state vector
            raise protocol.ProtocolError("bad state vector") from exc

    async def apply_client_update(self, update: bytes, *, origin, user_id: int | None) -> None:
        if update == protocol.EMPTY_UPDATE:
            return
        limit = collab_setting("MAX_DOCUMENT_BYTES")
        if self.size + len(update) > limit:
            self.size = len(self.doc.get_update())  # the running figure over-counts; measure
            if self.size + len(update) > limit:
                raise DocumentTooLarge
        try:
            self.doc.apply_update(update)
        except Exception as exc:
            raise protocol.ProtocolError("update does not decode") from exc
        self.size += len(update)
        self.last_activity = time.monotonic()
        self.dirty_since_snapshot = True
        self.pending_writes += 1
        try:
            if collab_setting("DURABLE"):
                await self.registry.log.append(post_id=self.post_id, user_id=user_id, data=update)
            else:
                asyncio.ensure_future(self._write_behind(update, user_id))
        except Exception:
            logger.exception("update log write failed for post %s; closing the room", self.post_id)
            self.pending_writes -= 1
            await self.registry.fail(self)
            return
        self.pending_writes -= 1
        if not self.pending_writes:
            self._durable.set()
        frame = protocol.sync_update(update)
        await self._broadcast_local(frame, exclude=origin)
        self._queue_group_update(update)

    def _queue_group_update(self, update: bytes) -> None:
        """Updates bound for other processes leave merged, one group message per loop turn, so that
        a busy room costs Redis one round trip per batch instead of one per keystroke."""
        self._outbox.append(update)
        if self._outbox_task is None or self._outbox_task.done():
            self._outbox_task = asyncio.get_running_loop().create_task(self._flush_outbox())

    async def _flush_outbox(self) -> None:
        while self._outbox:
            await asyncio.sleep(0)
            updates, self._outbox = self._outbox, []
            data = updates[0] if len(updates) == 1 else merge_updates(*updates)
            await self._group_send({"type": "update", "data": data})

    async def _write_behind(self, update: bytes, user_id: int | None) -> None:
        try:
            await self.registry.log.append(post_id=self.post_id, user_id=user_id, data=update)
        except Exception:
            logger.exception("write-behind of an update failed for post %s", self.post_id)

    async def apply_awareness(self, message: protocol.AwarenessMessage, *, origin) -> None:
        self._merge_awareness(message.entries, owner=origin)
        await self._broadcast_local(protocol.awareness(message.payload), exclude=origin)
        await self._group_send({"type": "awareness", "data": message.payload})

    def _merge_awareness(self, entries, *, owner) -> None:
        for cid, clock, state in entries:
            current = self.awareness.get(cid)
            if current is not None and current[0] > clock:
                continue
            if state == "null":
                self.awareness.pop(cid, None)
                self.awareness_owner.pop(cid, None)
            else:
                self.awareness[cid] = (clock, state)
                if owner is not None:
                    self.awareness_owner[cid] = owner

    async def apply_remote_update(self, update: bytes) -> None:
        """An update that another process (or a service) already wrote to the log."""
        if update == protocol.EMPTY_UPDATE:
            return
        self.doc.apply_update(update)
        self.size += len(update)
        await self._broadcast_local(protocol.sync_update(update))

    # ----- fan-out
    async def _broadcast_local(self, frame: bytes, exclude=None) -> None:
        for conn in list(self.connections):
            if conn is exclude:
                continue
            try:
                await conn.send_frame(frame)
            except Exception:
                logger.debug("dropping a frame for a closing connection", exc_info=True)

    async def _group_send(self, message: dict) -> None:
        layer = self.registry.room_layer()
        if layer is None or not self.channel:
            return
        try:
            await layer.group_send(group_name(self.post_id), {**message, "src": self.channel})
        except Exception:
            # The periodic re-sync repairs what this message would have carried.
            logger.warning("group send failed for post %s", self.post_id, exc_info=True)

    async def _listen(self, layer) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("room channel receive failed", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            if message.get("src") == self.channel:
                continue
            try:
                await self._on_group_message(layer, message)
            except Exception:
                logger.exception("bad group message for post %s", self.post_id)

    async def _on_group_message(self, layer, message: dict) -> None:
        kind = message.get("type")
        if kind == "update":
            await self.apply_remote_update(message["data"])
        elif kind == "awareness":
            payload = message["data"]
            self._merge_awareness(protocol.parse_awareness(payload), owner=None)
            await self._broadcast_local(protocol.awareness(payload))
        elif kind == "sv":
            theirs = _read_state_vector(message["sv"])
            ours = _read_state_vector(self.doc.get_state())
            ahead = any(clock > theirs.get(client, 0) for client, clock in ours.items())
            if ahead or message.get("ds") != _delete_set_digest(self.doc):
                await layer.send(
                    message["src"],
                    {"type": "update", "data": self.doc.get_update(message["sv"]), "src": self.channel},
                )

    async def _resync_loop(self, layer) -> None:
        interval = collab_setting("RESYNC_SECONDS")
        snapshot_every = collab_setting("SNAPSHOT_SECONDS")
        while True:
            await asyncio.sleep(interval)
            await self._group_send({"type": "sv", "sv": self.doc.get_state(), "ds": _delete_set_digest(self.doc)})
            if self.dirty_since_snapshot and time.monotonic() - self.last_snapshot >= snapshot_every:
                self.dirty_since_snapshot = False
                self.last_snapshot = time.monotonic()
                await _request_snapshot(self.post_id, reason="activity")


async def _request_snapshot(post_id: int, *, reason: str) -> None:
    from .tasks import collab_snapshot_post

    try:
        await database_sync_to_async(collab_snapshot_post.delay)(post_id, reason=reason)
    except Exception:
        logger.exception("could not queue the snapshot of post %s", post_id)


class Registry:
    """The rooms of one process (one event loop)."""

    def __init__(self, *, layer: Any = None) -> None:
        # The channel layer its rooms use (None: room_layer(), from the settings).
        self._layer = layer
        self.rooms: dict[int, Room] = {}
        self._loading: dict[int, asyncio.Future] = {}
        # Rooms taken out of `rooms` whose stop (group leave, idle snapshot) is still running.
        self.stopping: dict[int, Room] = {}  # id(room) -> room (rooms are dataclasses: unhashable)
        self.log = UpdateLog()

    def room_layer(self):
        return self._layer if self._layer is not None else room_layer()

    async def join(self, post_id: int, conn) -> Room:
        while True:
            room = self.rooms.get(post_id)
            if room is not None and not room.closed:
                room.join(conn)
                return room
            pending = self._loading.get(post_id)
            if pending is not None:
                await asyncio.shield(pending)
                continue
            future = asyncio.get_running_loop().create_future()
            self._loading[post_id] = future
            try:
                room = Room(post_id=post_id, registry=self)
                await room.start()
                self.rooms[post_id] = room
            finally:
                self._loading.pop(post_id, None)
                future.set_result(None)

    async def unload_if_idle(self, room: Room) -> None:
        if room.connections or room.closed:
            return
        await room.wait_durable()
        if room.connections:
            return
        if self.rooms.get(room.post_id) is room:
            del self.rooms[room.post_id]
        self.stopping[id(room)] = room
        try:
            await room.stop()
        finally:
            self.stopping.pop(id(room), None)
        if not self.rooms and not self._loading:
            await self.log.close()

    async def fail(self, room: Room) -> None:
        """The log could not be written: drop the room so that clients reconnect and re-send their
        state to a freshly loaded copy; nothing unlogged is ever served."""
        if self.rooms.get(room.post_id) is room:
            del self.rooms[room.post_id]
        await room.stop(snapshot=False)
        for conn in list(room.connections):
            await conn.close_room_failed()

    async def shutdown(self) -> None:
        for room in list(self.rooms.values()):
            await room.wait_durable()
            await room.stop()
        self.rooms.clear()
        await self.log.close()


_registries: dict[asyncio.AbstractEventLoop, Registry] = {}
_gc_tuned = False


def _tune_gc() -> None:
    """Once per process, when the first room opens: move everything allocated so far (Django, the
    URL conf, templates: hundreds of thousands of long-lived objects) out of the cyclic collector's
    reach, and collect the young generation less often. Without it a full collection rescans that
    whole heap in the middle of the event loop, and every edit in flight waits tens of milliseconds."""
    global _gc_tuned
    if _gc_tuned or not collab_setting("FREEZE_GC"):
        return
    _gc_tuned = True
    # No gc.collect() first: it would be the very pause this avoids (~150 ms on a loaded 2-core box),
    # and what little import-time garbage gets frozen with the rest is not worth it.
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(10_000, gen1, gen2)


def registry() -> Registry:
    loop = asyncio.get_running_loop()
    reg = _registries.get(loop)
    if reg is None:
        for stale in [old for old in _registries if old.is_closed()]:
            del _registries[stale]
        reg = _registries[loop] = Registry()
        _tune_gc()
    return reg


def open_rooms() -> int:
    """How many rooms are loaded (or still stopping) in this process, over all event loops (tests wait
    for 0: a stopping room may still be writing its idle snapshot)."""
    return sum(len(reg.rooms) + len(reg.stopping) for loop, reg in _registries.items() if not loop.is_closed())
