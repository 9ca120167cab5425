"""Where a room's document comes from and goes to: the update log (appended before anything is
relayed, and on PostgreSQL announcing each update to the other processes at commit), the document a
room opens with, and the snapshots into Revisions. The Registry hands every
Room this store (as pycrdt-websocket's YRoom takes a YStore and hocuspocus an onLoadDocument /
onStoreDocument extension), so the room itself knows no table and no task."""

from __future__ import annotations

import asyncio
import base64
import logging
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from channels.db import database_sync_to_async
from django.db import connections, transaction
from django.utils import timezone
from psycopg import sql

from apps.core.queue import enqueue

from .conf import collab_setting
from .models import DocumentUpdate
from .services import document_load

logger = logging.getLogger(__name__)


def _conninfo() -> str:
    """libpq connection string of the configured database (the update log's own connections)."""
    settings = connections["default"].settings_dict
    # OPTIONS carries libpq parameters (sslmode, sslrootcert, connect_timeout, ...); Django-only
    # keys of the PostgreSQL backend are not libpq's and stay out.
    django_only = {"pool", "server_side_binding", "isolation_level", "assume_role", "context", "cursor_factory"}
    options = {
        key: str(value)
        for key, value in (settings.get("OPTIONS") or {}).items()
        if key not in django_only and isinstance(value, str | int)
    }
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings.get("USER") or None,
        password=settings.get("PASSWORD") or None,
        host=settings.get("HOST") or None,
        port=str(settings.get("PORT") or "") or None,
        **options,
    )


# One statement, so one round trip and one commit for the whole batch. Rows with a channel are also
# announced on it with pg_notify, which PostgreSQL delivers to the listening processes only once the
# commit is done (and never, if it is not): "<writer token>:<update in base64>".
_INSERT = (
    "WITH t AS (SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[], %s::text[])"
    " AS t(post_id, user_id, data, channel)),"
    " ins AS (INSERT INTO collaboration_documentupdate (post_id, user_id, data, created_at)"
    " SELECT post_id, user_id, data, now() FROM t)"
    " SELECT pg_notify(channel, %s || ':' || encode(data, 'base64')) FROM t WHERE channel <> ''"
)


def _orm_write(rows: list[tuple[int, int | None, bytes]]) -> None:
    """One batch of the update log through the ORM, in one transaction (the non-PostgreSQL path)."""
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
        # Names this process's announcements, so that its own rooms skip them.
        self.token = uuid.uuid4().hex[:12]
        self._queue: list[tuple[int, int | None, bytes, str, asyncio.Future]] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._conn: Any = None
        self.batches = 0
        self.rows = 0

    async def append(self, *, post_id: int, user_id: int | None, data: bytes, announce: str = "") -> bool:
        """Write one update; with an `announce` channel (log_channel), the commit also announces it
        there to the other processes' rooms when the database can (PostgreSQL, up to
        COLLAB_LOG_ANNOUNCE_MAX_BYTES). True when it was announced: the caller need not send it to
        them itself."""
        if not (self.uses_psycopg() and len(data) <= collab_setting("LOG_ANNOUNCE_MAX_BYTES")):
            announce = ""
        future = asyncio.get_running_loop().create_future()
        self._queue.append((post_id, user_id, data, announce, future))
        self._wakeup.set()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        await future
        return bool(announce)

    @staticmethod
    def uses_psycopg() -> bool:
        return connections["default"].vendor == "postgresql"

    async def _connect(self):
        conn = await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True)
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
        # Prepared once per connection (parse and plan are a third of the round trip of so small an insert).
        columns = [[row[i] for row in batch] for i in range(4)]
        await self._conn.execute(_INSERT, [*columns, self.token], prepare=True)

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


class LogFollower:
    """What the other processes' commits announce for the posts this process has rooms for (LISTEN on
    the update log's channels, see _INSERT), handed to each room's callback.

    PostgreSQL delivers a notification at commit straight to every listening connection, so a room in
    another process hears of an update as soon as the writer does, without waiting for the writer to
    pass it on. Notifications are read the moment the socket is readable (a reader on the event loop;
    psycopg's notifies() generator would hold the connection and block LISTEN for rooms that open).
    A lost connection is reopened with every channel listened to again; what was announced meanwhile
    still arrives, as the copy every writer also sends through the channel layer (Room.apply_client_update)."""

    def __init__(self, *, token: str) -> None:
        self.token = token
        self._callbacks: dict[str, Callable[[bytes], None]] = {}  # channel -> room callback
        self._conn: Any = None
        self._fd: int | None = None  # the socket the event loop watches for notifications
        self._lock = asyncio.Lock()
        self._reconnect_task: asyncio.Task | None = None

    @staticmethod
    def available() -> bool:
        return UpdateLog.uses_psycopg() and collab_setting("LOG_ANNOUNCE_MAX_BYTES") > 0

    async def follow(self, channel: str, callback: Callable[[bytes], None]) -> None:
        self._callbacks[channel] = callback
        await self._command(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))

    async def unfollow(self, channel: str, callback: Callable[[bytes], None]) -> None:
        """Stop handing the channel's updates to `callback` (a newer room's callback stays)."""
        if self._callbacks.get(channel) == callback:
            del self._callbacks[channel]
            await self._command(sql.SQL("UNLISTEN {}").format(sql.Identifier(channel)))

    async def _command(self, statement) -> None:
        async with self._lock:
            try:
                conn = await self._connection()
                self._unwatch()  # psycopg reads the socket itself meanwhile
                try:
                    await conn.execute(statement)
                finally:
                    if not conn.closed:
                        self._watch(conn)
            except Exception:
                logger.warning("update log announcements: LISTEN failed; retrying", exc_info=True)
                await self._drop()
                self._schedule_reconnect()

    async def _connection(self):
        if self._conn is not None and not self._conn.closed:
            return self._conn
        conn = await psycopg.AsyncConnection.connect(_conninfo(), autocommit=True)
        conn.add_notify_handler(self._notified)
        for channel in list(self._callbacks):
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
        self._conn = conn
        self._watch(conn)
        return conn

    def _watch(self, conn) -> None:
        self._fd = conn.pgconn.socket
        asyncio.get_running_loop().add_reader(self._fd, self._readable, conn)

    def _unwatch(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            asyncio.get_running_loop().remove_reader(fd)

    def _readable(self, conn) -> None:
        try:
            conn.pgconn.consume_input()
            while notice := conn.pgconn.notifies():
                conn.pgconn.notify_handler(notice)  # -> self._notified
        except Exception:
            logger.warning("update log announcements: connection lost; reconnecting", exc_info=True)
            self._unwatch()
            self._schedule_reconnect()

    def _notified(self, notice) -> None:
        token, _, encoded = notice.payload.partition(":")
        if token == self.token:
            return  # this process's own commit: its rooms relayed the update already
        callback = self._callbacks.get(notice.channel)
        if callback is not None:
            callback(base64.b64decode(encoded))

    def _schedule_reconnect(self) -> None:
        if self._reconnect_task is None or self._reconnect_task.done():
            self._reconnect_task = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = 0.2
        while self._callbacks:
            async with self._lock:
                await self._drop()
                try:
                    await self._connection()
                    return
                except Exception:
                    logger.warning("update log announcements: cannot reconnect yet", exc_info=True)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        self._unwatch()
        try:
            await conn.close()
        except Exception:
            logger.debug("closing the announcements connection failed", exc_info=True)

    async def close(self) -> None:
        self._callbacks.clear()
        if self._reconnect_task is not None:
            self._reconnect_task.cancel()
        async with self._lock:
            await self._drop()


class RoomStore:
    """The database behind the rooms of one process: the update log, loading, snapshots."""

    def __init__(self) -> None:
        self.log = UpdateLog()
        self.follower = LogFollower(token=self.log.token)

    async def load(self, post_id: int) -> bytes:
        """The whole document as one update, for a room that opens (seeded from the post once)."""
        return await database_sync_to_async(document_load)(post_id=post_id)

    async def append(self, *, post_id: int, user_id: int | None, data: bytes, announce: str = "") -> bool:
        """Write one update (see UpdateLog.append: True when the commit announced it)."""
        return await self.log.append(post_id=post_id, user_id=user_id, data=data, announce=announce)

    async def follow(self, channel: str, callback: Callable[[bytes], None]) -> bool:
        """Hand `callback` every update other processes commit with this announce channel, straight
        from the database, where it can announce them (True); False: they come through the channel
        layer only."""
        if not LogFollower.available():
            return False
        await self.follower.follow(channel, callback)
        return True

    async def unfollow(self, channel: str, callback: Callable[[bytes], None]) -> None:
        await self.follower.unfollow(channel, callback)

    async def request_snapshot(self, post_id: int, *, reason: str) -> None:
        """Queue the Revision snapshot of the post's live document (never fails the room)."""
        try:
            await database_sync_to_async(enqueue)("collaboration.snapshot_post", post_id, reason=reason)
        except Exception:
            logger.exception("could not queue the snapshot of post %s", post_id)

    async def close(self) -> None:
        await self.log.close()
        await self.follower.close()
