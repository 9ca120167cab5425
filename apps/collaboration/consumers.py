"""The websocket of a post's live document, speaking the y-websocket protocol at /ws/posts/<id>/doc/.

The consumer only routes: it checks Origin and access, decodes frames and hands them to the room."""

from __future__ import annotations

import logging

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from apps.core.consumers import origin_allowed

from . import protocol
from .conf import collab_setting
from .room import DocumentTooLarge, registry
from .selectors import room_access_for

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's); collab.js shows a message and stops reconnecting.
CLOSE_FORBIDDEN = 4403
CLOSE_PROTOCOL = 4400
CLOSE_TOO_LARGE = 4413
CLOSE_SERVER = 4500


class PostDocumentConsumer(AsyncWebsocketConsumer):
    # The room, not each connection, listens on the channel layer: an alias that is not configured
    # keeps Channels from giving every connection its own channel (and Redis receive) for nothing.
    channel_layer_alias = "collaboration-connections-use-the-room-channel"
    room = None
    user_id: int | None = None
    can_edit = False

    async def dispatch(self, message) -> None:
        # Channels closes stale Django database connections (a hop to the sync thread) before every
        # message; frames here never touch the ORM, and that hop per keystroke dominated latency.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        user = self.scope.get("user")
        if not origin_allowed(self.scope) or user is None or not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        post_id = int(self.scope["url_route"]["kwargs"]["post_id"])
        access = await database_sync_to_async(room_access_for)(user=user, post_id=post_id)
        if access is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        self.can_edit = access.can_edit
        self.read_only_reason = access.read_only_reason
        # y-websocket clients send the token as a "bearer.<token>" subprotocol when they cannot set
        # headers; echo it back or the browser drops the connection.
        subprotocol = next((p for p in self.scope.get("subprotocols", []) if p.startswith("bearer.")), None)
        await self.accept(subprotocol=subprotocol)
        try:
            self.room = await registry().join(post_id, self)
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
        if self.room is not None:
            room, self.room = self.room, None
            await room.leave(self)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        if self.room is None:
            return
        if bytes_data is None or len(bytes_data) > collab_setting("MAX_FRAME_BYTES"):
            await self._reject(CLOSE_PROTOCOL)
            return
        try:
            for message in protocol.decode(bytes_data):
                await self._handle(message)
        except protocol.ProtocolError as exc:
            logger.info("closing a connection to post %s: %s", self.room.post_id if self.room else "?", exc)
            await self._reject(CLOSE_PROTOCOL)
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
                await room.apply_client_update(message.payload, origin=self, user_id=self.user_id)
            # Read-only users' document updates are dropped here, never applied nor stored.
        elif isinstance(message, protocol.AwarenessMessage):
            if len(message.payload) > collab_setting("MAX_AWARENESS_BYTES"):
                raise protocol.ProtocolError("awareness state too large")
            await room.apply_awareness(message, origin=self)
        elif isinstance(message, protocol.QueryAwarenessMessage):
            frame = room.awareness_frame()
            if frame:
                await self.send_frame(frame)

    async def _reject(self, code: int) -> None:
        room, self.room = self.room, None
        if room is not None:
            await room.leave(self)
        await self.close(code=code)

    # ----- what the room calls
    async def send_frame(self, frame: bytes) -> None:
        await self.send(bytes_data=frame)

    async def close_room_failed(self) -> None:
        self.room = None
        await self.close(code=1011)
