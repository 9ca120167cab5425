"""The websocket of a post's live document, speaking the y-websocket protocol at /ws/posts/<id>/doc/.

The consumer only routes: it checks Origin and access, decodes frames and hands them to the room."""

from __future__ import annotations

import asyncio
import json
import logging
import re

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from apps.core.consumers import (
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_SERVER,
    CLOSE_TOO_LARGE,
    admitted_user,
)
from apps.posts.access_events import concerns, recheck_seconds
from apps.posts.events import post_access_group, workspace_access_group

from . import metrics, protocol
from .access import access_watcher
from .conf import collab_setting
from .room import DocumentTooLarge, registry
from .selectors import presence_color, room_access_for
from .yupdate import room_guard

logger = logging.getLogger(__name__)

# A frame that breaks the protocol closes only its own connection (apps.core.consumers codes).
CLOSE_PROTOCOL = CLOSE_BAD_REQUEST

# Presence colours are CSS: only #rrggbb reaches other people's pages.
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# A connection is one Y.Doc, so one awareness client id; a few allow for a client that re-creates its doc.
MAX_CLIENT_IDS = 4


class PostDocumentConsumer(AsyncWebsocketConsumer):
    # The room, not each connection, listens on the channel layer: an alias that is not configured
    # keeps Channels from giving every connection its own channel (and Redis receive) for nothing.
    channel_layer_alias = "collaboration-connections-use-the-room-channel"
    room = None
    user_id: int | None = None
    can_edit = False
    display_name = ""
    color = ""
    access_groups: list[str] = []
    _recheck_task = None

    async def __call__(self, scope, receive, send) -> None:
        # Frames straight from the server's queue, one at a time. Channels' await_many_dispatch wraps
        # every receive in a new task and an asyncio.wait (three event-loop turns and a task per frame,
        # on the path of every keystroke); this consumer has no channel of its own to wait on as well
        # (channel_layer_alias above).
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def dispatch(self, message) -> None:
        # Channels closes stale Django database connections (a hop to the sync thread) before every
        # message; frames here never touch the ORM, and that hop per keystroke dominated latency.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = admitted_user(self.scope)
        if user is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        post_id = int(self.scope["url_route"]["kwargs"]["post_id"])
        access = await database_sync_to_async(room_access_for)(user=user, post_id=post_id)
        if access is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        self.display_name = user.get_full_name() or user.get_username()
        self.color = presence_color(user.pk)
        self.client_ids: set[int] = set()
        self.can_edit = access.can_edit
        self.read_only_reason = access.read_only_reason
        # y-websocket clients send the token as a "bearer.<token>" subprotocol when they cannot set
        # headers; echo it back or the browser drops the connection.
        subprotocol = next((p for p in self.scope.get("subprotocols", []) if p.startswith("bearer.")), None)
        await self.accept(subprotocol=subprotocol)
        # Membership, role, share and state changes reach this socket; a periodic re-check backs them up.
        self.post_id = post_id
        self.access_groups = [post_access_group(post_id), workspace_access_group(access.workspace_id)]
        await access_watcher().add(self, self.access_groups)
        self._recheck_task = asyncio.get_running_loop().create_task(self._recheck_loop())
        try:
            self.room = await registry().join(post_id, self)
            room_guard(self.room)  # indexes the document the first time (see yupdate)
            metrics.refresh()
        except Exception:
            logger.exception("could not open the room of post %s", post_id)
            await self.close(code=CLOSE_SERVER)
            return
        await self.send_frame(protocol.sync_step1(self.room.doc.get_state()))
        frame = self.room.awareness_frame()
        if frame:
            await self.send_frame(frame)
        if not self.can_edit:
            await self.send_frame(protocol.permission_denied(self.read_only_reason))

    async def disconnect(self, code) -> None:
        await self._stop_watching()
        if self.room is not None:
            room, self.room = self.room, None
            await room.leave(self)
            metrics.refresh()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.room is None:
            return
        if bytes_data is None:
            await self._reject(CLOSE_PROTOCOL, "binary frames only")
            return
        if len(bytes_data) > collab_setting("MAX_FRAME_BYTES"):
            await self._reject(CLOSE_PROTOCOL, "frame too large")
            return
        metrics.frame(len(bytes_data))
        try:
            for message in protocol.decode(bytes_data, max_awareness_bytes=collab_setting("MAX_AWARENESS_BYTES")):
                await self._handle(message)
        except protocol.ProtocolError as exc:
            # Only this connection closes; the room and everyone else in it carry on.
            logger.info("closing a connection to post %s: %s", self.room.post_id if self.room else "?", exc)
            await self._reject(CLOSE_PROTOCOL, str(exc))
        except DocumentTooLarge:
            await self.send_frame(
                protocol.permission_denied(
                    _("This document has reached its size limit (%(mb)s MB); remove something before adding more.")
                    % {"mb": collab_setting("MAX_DOCUMENT_BYTES") // (1024 * 1024)}
                )
            )
            await self._reject(CLOSE_TOO_LARGE)

    async def _handle(self, message: protocol.Message) -> None:
        room = self.room
        if room is None:
            return
        if isinstance(message, protocol.SyncMessage):
            if message.step == protocol.SYNC_STEP1:
                await room.wait_durable()
                await self.send_frame(protocol.sync_step2(room.step2_for(message.payload)))
            elif self.can_edit:
                if message.payload != protocol.EMPTY_UPDATE:
                    # Before the document or the log sees it: nesting and references (yupdate).
                    room_guard(room).check(message.payload)
                with metrics.EDIT_TO_PEER.time():
                    await room.apply_client_update(message.payload, origin=self, user_id=self.user_id)
            # Read-only users' document updates are dropped here, never applied nor stored.
        elif isinstance(message, protocol.AwarenessMessage):
            own = self._own_awareness(message)
            if own is not None:
                await room.apply_awareness(own, origin=self)
        elif isinstance(message, protocol.QueryAwarenessMessage):
            frame = room.awareness_frame()
            if frame:
                await self.send_frame(frame)

    def _own_awareness(self, message: protocol.AwarenessMessage) -> protocol.AwarenessMessage | None:
        """The message as this connection may say it: only its own client ids, and in every state the
        identity of the connection's user (id, name) and a colour that is a colour. Read-only users
        keep their cursor."""
        room = self.room
        if room is None:
            return None
        entries = []
        for client_id, clock, text in message.entries:
            if client_id not in self.client_ids:
                owner = room.awareness_owner.get(client_id)
                # Someone else's presence (here or in another process) is not this connection's to set;
                # the same user's stale connection (a reconnect the server has not noticed yet) is.
                theirs = client_id in room.awareness and getattr(owner, "user_id", None) != self.user_id
                if theirs or len(self.client_ids) >= MAX_CLIENT_IDS:
                    continue
                self.client_ids.add(client_id)
            if text != "null":
                state = protocol.loads_shallow(text)
                if not isinstance(state, dict):
                    raise protocol.ProtocolError("awareness state is not an object")
                claimed = state.get("user")
                color = claimed.get("color") if isinstance(claimed, dict) else None
                state["user"] = {
                    "id": self.user_id,
                    "name": self.display_name,
                    "color": color if isinstance(color, str) and _COLOR.fullmatch(color) else self.color,
                }
                text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
            entries.append((client_id, clock, text))
        if not entries:
            return None
        return protocol.AwarenessMessage(protocol.awareness_payload(entries), tuple(entries))

    # ----- access changes
    async def _stop_watching(self) -> None:
        task, self._recheck_task = self._recheck_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        groups, self.access_groups = self.access_groups, []
        if groups:
            await access_watcher().remove(self, groups)

    async def _recheck_loop(self) -> None:
        interval = recheck_seconds()
        while True:
            await asyncio.sleep(interval)
            if not self.access_groups:
                return  # closed meanwhile
            try:
                await self.recheck_access()
            except Exception:
                logger.exception("periodic access re-check failed for post %s", self.post_id)

    async def access_changed(self, message: dict) -> None:
        """From the AccessWatcher: something changed that may concern this user."""
        if concerns(message, self.user_id):
            await self.recheck_access()

    async def recheck_access(self) -> None:
        """Decide access again as at connect: gone closes with 4403; a writer who may now only read
        is told why and closed with 4403 too (the editor cannot turn read-only under the user's hands,
        so it stops and says so; a reload opens it read-only)."""
        if self.room is None:
            return
        user = self.scope["user"]
        user.__dict__.pop("_membership_cache", None)  # apps.accounts.permissions caches on the user
        access = await database_sync_to_async(room_access_for)(user=user, post_id=self.post_id)
        if access is not None and (access.can_edit or not self.can_edit):
            return
        if access is not None:
            self.can_edit = False  # before anything else arrives: no further update is applied
            await self.send_frame(protocol.permission_denied(access.read_only_reason))
            await self._reject(CLOSE_FORBIDDEN, "you may now only read this post")
        else:
            self.can_edit = False
            await self._reject(CLOSE_FORBIDDEN, "access to this post has ended")

    async def _reject(self, code: int, reason: str = "") -> None:
        await self._stop_watching()
        room, self.room = self.room, None
        if room is not None:
            await room.leave(self)
        # A close reason is at most 123 bytes of UTF-8.
        await self.close(code=code, reason=reason.encode()[:120].decode(errors="ignore") or None)

    # ----- what the room calls
    async def send_frame(self, frame: bytes) -> None:
        await self.send(bytes_data=frame)

    async def close_room_failed(self) -> None:
        self.room = None
        await self.close(code=1011)
