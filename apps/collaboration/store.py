"""Where a room's document comes from and goes to: the update log (appended before anything is
relayed), the document a room opens with, and the snapshots into Revisions. The Registry hands every
Room this store (as pycrdt-websocket's YRoom takes a YStore and hocuspocus an onLoadDocument /
onStoreDocument extension), so the room itself knows no table and no task."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import psycopg
from channels.db import database_sync_to_async
from django.db import connections, transaction
from django.utils import timezone

from apps.core.queue import enqueue

from .conf import collab_setting
from .models import DocumentUpdate
from .services import document_load

logger = logging.getLogger(__name__)


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
        # One statement, so one round trip and one commit for the whole batch; prepared once per
        # connection (parse and plan are a third of the round trip of so small an insert).
        await self._conn.execute(
            "INSERT INTO collaboration_documentupdate (post_id, user_id, data, created_at)"
            " SELECT post_id, user_id, data, now()"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[]) AS t(post_id, user_id, data)",
            [[row[0] for row in batch], [row[1] for row in batch], [row[2] for row in batch]],
            prepare=True,
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


class RoomStore:
    """The database behind the rooms of one process: the update log, loading, snapshots."""

    def __init__(self) -> None:
        self.log = UpdateLog()

    async def load(self, post_id: int) -> bytes:
        """The whole document as one update, for a room that opens (seeded from the post once)."""
        return await database_sync_to_async(document_load)(post_id=post_id)

    async def append(self, *, post_id: int, user_id: int | None, data: bytes) -> None:
        await self.log.append(post_id=post_id, user_id=user_id, data=data)

    async def request_snapshot(self, post_id: int, *, reason: str) -> None:
        """Queue the Revision snapshot of the post's live document (never fails the room)."""
        try:
            await database_sync_to_async(enqueue)("collaboration.snapshot_post", post_id, reason=reason)
        except Exception:
            logger.exception("could not queue the snapshot of post %s", post_id)

    async def close(self) -> None:
        await self.log.close()
