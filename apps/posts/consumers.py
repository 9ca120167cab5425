"""Live events of the posts app: the board hears when posts of its workspace change, the post page hears
saves, transitions, comments and suggestions of its post, and everyone hears their own notifications.
The consumer only routes: access is decided by the same selectors as the pages."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.accounts.permissions import membership_for
from apps.core.consumers import origin_allowed
from apps.core.errors import NotFound

from .access_events import concerns, post_access_group, recheck_seconds, workspace_access_group
from .selectors import post_for_user
from .services.posts import post_group, workspace_group

logger = logging.getLogger(__name__)


@database_sync_to_async
def _groups_for(user, *, post_id: int | None, workspace_id: int | None) -> list[str] | None:
    """The event groups and the access groups this socket listens on, or None if it may not."""
    user.__dict__.pop("_membership_cache", None)  # re-checks must see the current membership
    groups = [f"notifications.user.{user.pk}"]
    if post_id is not None:
        try:
            post = post_for_user(user=user, pk=post_id)
        except NotFound:
            return None
        groups += [post_group(post_id), post_access_group(post_id), workspace_access_group(post.workspace_id)]
    if workspace_id is not None:
        if membership_for(user=user, workspace=workspace_id) is None:
            return None
        groups += [workspace_group(workspace_id), workspace_access_group(workspace_id)]
    return groups


class PostEventsConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str] = []
    _recheck_task = None

    async def connect(self):
        user = self.scope.get("user")
        if not origin_allowed(self.scope) or user is None or not user.is_authenticated:
            await self.close(code=4403)
            return
        kwargs = self.scope["url_route"]["kwargs"]
        groups = await _groups_for(user, post_id=kwargs.get("post_id"), workspace_id=kwargs.get("workspace_id"))
        if groups is None:
            await self.close(code=4404)
            return
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self._recheck_task = asyncio.get_running_loop().create_task(self._recheck_loop())

    async def disconnect(self, code):
        if self._recheck_task is not None:
            self._recheck_task.cancel()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    # ----- access changes (apps.posts.access_events): re-decided as at connect, 4403 when gone
    async def _recheck_loop(self):
        while True:
            await asyncio.sleep(recheck_seconds())
            try:
                await self._recheck()
            except Exception:
                logger.exception("periodic access re-check failed")

    async def access_changed(self, event):
        if concerns(event, self.scope["user"].pk):
            await self._recheck()

    async def _recheck(self):
        if not self.groups_joined:
            return
        kwargs = self.scope["url_route"]["kwargs"]
        user = self.scope["user"]
        groups = await _groups_for(user, post_id=kwargs.get("post_id"), workspace_id=kwargs.get("workspace_id"))
        if groups is None:
            await self.close(code=4403)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def _forward(self, event):
        await self.send_json(event)

    post_saved = _forward
    post_changed = _forward
    post_transitioned = _forward
    post_comment = _forward
    post_suggestion = _forward
    notification_created = _forward
