"""The room server: one shared pycrdt document per open post per process.

Every document update a client sends is appended to the update log in the configured database (group
commit: all updates that arrive while one batch is being written go into the next) before it is
relayed to anyone.
Rooms of the same post in other processes hear of it from the database itself where it can tell them
(PostgreSQL: the log's commit announces the update, store.LogFollower), otherwise through a
channels-redis group; every few seconds each room announces its state vector in that group so that a
room which missed a message is healed.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from pycrdt import Doc

from . import protocol
from .conf import collab_setting
from .layer import group_name, group_publisher, log_channel, receive_forever, room_layer
from .store import RoomStore
from .yupdate import RoomGuard, admit_remote_update

logger = logging.getLogger(__name__)


# How many updates from other processes a room remembers to drop their second copy (about 20 s of a
# busy room; the second copy arrives milliseconds after the first).
RECENT_UPDATES = 1024


class DocumentTooLarge(Exception):
    pass


class Connection(Protocol):
    """What a room needs from a websocket connection (the consumer)."""

    user_id: int | None

    async def send_frame(self, frame: bytes) -> None: ...

    async def close_room_failed(self) -> None: ...


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
    # The channel layer this room joined at start (None: no other processes to reach).
    layer: Any = None
    # The channel on which the update log announces this post's updates to the other processes' rooms
    # ("" when it cannot: RoomStore.follow).
    announce: str = ""
    pending_writes: int = 0
    dirty_since_snapshot: bool = False
    last_snapshot: float = field(default_factory=time.monotonic)
    last_activity: float = field(default_factory=time.monotonic)
    closed: bool = False
    _tasks: list = field(default_factory=list)
    # One-off tasks (_spawn) held until they end: the event loop keeps only weak references to tasks.
    _spawned: set = field(default_factory=set)
    _idle_handle: asyncio.TimerHandle | None = None
    _durable: asyncio.Event = field(default_factory=asyncio.Event)
    # Digests of the updates from other processes taken last, oldest first (_remember).
    _recent: dict[bytes, None] = field(default_factory=dict)
    # The depth index of `doc` that every incoming update is checked against (yupdate.room_guard).
    guard: RoomGuard | None = None

    # ----- lifecycle
    async def start(self) -> None:
        update = await self.registry.store.load(self.post_id)
        self.doc.apply_update(update)
        self.size = len(update)
        self._durable.set()
        layer = self.layer = self.registry.room_layer()
        if layer is not None:
            # The default prefix: channels-redis runs one receive loop per process for "specific." channels.
            self.channel = await layer.new_channel()
            await layer.group_add(group_name(self.post_id), self.channel)
            loop = asyncio.get_running_loop()
            self._tasks = [loop.create_task(self._listen(layer)), loop.create_task(self._resync_loop(layer))]
            channel = log_channel(layer, self.post_id)
            if await self.registry.store.follow(channel, self._logged_elsewhere):
                self.announce = channel

    async def stop(self, *, snapshot: bool = True) -> None:
        if self.closed:
            return
        self.closed = True
        for task in self._tasks:
            task.cancel()
        layer = self.layer
        if layer is not None and self.channel:
            try:
                await layer.group_discard(group_name(self.post_id), self.channel)
            except Exception:
                logger.warning("could not leave the room group", exc_info=True)
        if self.announce:
            await self.registry.store.unfollow(self.announce, self._logged_elsewhere)
        if snapshot and self.dirty_since_snapshot:
            await self.registry.store.request_snapshot(self.post_id, reason="idle")

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
                delay, lambda: self._spawn(self.registry.unload_if_idle(self))
            )

    def awareness_frame(self) -> bytes | None:
        if not self.awareness:
            return None
        entries = [(cid, clock, state) for cid, (clock, state) in self.awareness.items()]
        return protocol.awareness(protocol.awareness_payload(entries))

    # ----- document
    async def wait_durable(self) -> None:
        """Wait until every update taken so far is in the log and in the document (a new client must
        not be served content that could still vanish in a crash, nor miss one being applied)."""
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
        announced = False
        try:
            if collab_setting("DURABLE"):
                announced = await self.registry.store.append(
                    post_id=self.post_id, user_id=user_id, data=update, announce=self.announce
                )
            else:
                self._spawn(self._write_behind(update, user_id))
        except Exception:
            logger.exception("update log write failed for post %s; closing the room", self.post_id)
            self.pending_writes -= 1
            await self.registry.fail(self)
            return
        self.pending_writes -= 1
        if not self.pending_writes:
            self._durable.set()
        # Other processes first (unless the log's commit announced it to them already): the PUBLISH is
        # on its way to Redis while the local peers are served.
        message = {"type": "update", "data": update}
        if not announced:
            await self._group_send(message)
        await self._broadcast_local(protocol.sync_update(update), exclude=origin)
        if announced:
            # A copy for a process that missed the announcement (its listening connection being
            # reopened, or a pooler in front of PostgreSQL that does not keep LISTEN); the others
            # recognise it and drop it (Room._remember).
            await self._group_send(message)

    def _logged_elsewhere(self, update: bytes) -> None:
        """An update another process committed to the log, as the database announced it."""
        self._spawn(self._apply_logged(update))

    def _spawn(self, coro) -> None:
        """Run `coro` in a task of its own that is not dropped before it ends (nor cancelled by stop)."""
        task = asyncio.ensure_future(coro)
        self._spawned.add(task)
        task.add_done_callback(self._spawned.discard)

    async def _apply_logged(self, update: bytes) -> None:
        try:
            await self.apply_remote_update(update)
        except Exception:
            logger.exception("bad announced update for post %s", self.post_id)

    async def _write_behind(self, update: bytes, user_id: int | None) -> None:
        try:
            await self.registry.store.append(post_id=self.post_id, user_id=user_id, data=update)
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
        """An update that another process (or a service) already wrote to the log; checked like a
        client's (a hostile frame relayed by an older process must not reach this document)."""
        if update == protocol.EMPTY_UPDATE:
            return
        key = hashlib.blake2b(update, digest_size=16).digest()
        if key in self._recent or not admit_remote_update(self, update):
            return
        self._remember(key)
        # It is in the log already: the peers here get it first, the document right after. A client
        # asking for the document meanwhile (sync step 1) waits for it like for an unlogged update.
        self.pending_writes += 1
        try:
            await self._broadcast_local(protocol.sync_update(update))
            self.doc.apply_update(update)
            self.size += len(update)
        finally:
            self.pending_writes -= 1
            if not self.pending_writes:
                self._durable.set()

    def _remember(self, key: bytes) -> None:
        """An update from another process was taken: its second copy (announced by the log, then sent
        again through the channel layer) is neither applied nor relayed again. Only what was admitted
        is remembered: an update that came ahead of one it depends on is taken from its next copy."""
        self._recent[key] = None
        if len(self._recent) > RECENT_UPDATES:
            del self._recent[next(iter(self._recent))]

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
        layer = self.layer
        if layer is None or not self.channel:
            return
        try:
            await group_publisher(layer).group_send(group_name(self.post_id), {**message, "src": self.channel})
        except Exception:
            # The periodic re-sync repairs what this message would have carried.
            logger.warning("group send failed for post %s", self.post_id, exc_info=True)

    async def _listen(self, layer) -> None:
        async for message in receive_forever(layer, self.channel, what="room"):
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
                await self.registry.store.request_snapshot(self.post_id, reason="activity")


class Registry:
    """The rooms of one process (one event loop)."""

    def __init__(self, *, layer: Any = None, store: RoomStore | None = None) -> None:
        # The channel layer its rooms use (None: room_layer(), from the settings).
        self._layer = layer
        self.rooms: dict[int, Room] = {}
        self._loading: dict[int, asyncio.Future] = {}
        # Rooms taken out of `rooms` whose stop (group leave, idle snapshot) is still running.
        self.stopping: dict[int, Room] = {}  # id(room) -> room (rooms are dataclasses: unhashable)
        # Where documents come from and go to (the update log, snapshots): the database by default.
        self.store = store or RoomStore()
        self.log = self.store.log

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
            await self.store.close()

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
        await self.store.close()


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
