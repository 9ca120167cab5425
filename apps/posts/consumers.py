"""Live events of the posts app: the board hears when posts of its workspace change, the post page hears
saves, transitions, comments and suggestions of its post, and everyone hears their own notifications.
The consumer only routes: access is decided by the same selectors as the pages."""

from __future__ import annotations

import asyncio
import logging

from channels.db import database_sync_to_async

from apps.accounts.permissions import membership_for
from apps.core.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, EventConsumer
from apps.core.errors import NotFound
from apps.notifications import events as notification_events

from . import events
from .access_events import concerns, recheck_seconds
from .selectors import post_for_user

logger = logging.getLogger(__name__)


@database_sync_to_async
def _groups_for(user, *, post_id: int | None, workspace_id: int | None) -> list[str] | None:
    """The event groups and the access groups this socket listens on, or None if it may not."""
    user.__dict__.pop("_membership_cache", None)  # re-checks must see the current membership
    groups = [notification_events.user_group(user.pk)]
    if post_id is not None:
        try:
            post = post_for_user(user=user, pk=post_id)
        except NotFound:
            return None
        groups += [
            events.post_group(post_id),
            events.post_access_group(post_id),
            events.workspace_access_group(post.workspace_id),
        ]
    if workspace_id is not None:
        if membership_for(user=user, workspace=workspace_id) is None:
            return None
        groups += [events.workspace_group(workspace_id), events.workspace_access_group(workspace_id)]
    return groups


class PostEventsConsumer(EventConsumer):
    forward = (
        events.POST_SAVED,
        events.POST_CHANGED,
        events.POST_TRANSITIONED,
        events.POST_COMMENT,
        events.POST_SUGGESTION,
        notification_events.NOTIFICATION_CREATED,
        notification_events.NOTIFICATION_READ,
    )
    _recheck_task = None

    async def authorize(self, user) -> list[str] | int:
        kwargs = self.scope["url_route"]["kwargs"]
        groups = await _groups_for(user, post_id=kwargs.get("post_id"), workspace_id=kwargs.get("workspace_id"))
        return CLOSE_NOT_FOUND if groups is None else groups

    async def accepted(self) -> None:
        self._recheck_task = asyncio.get_running_loop().create_task(self._recheck_loop())

    async def disconnect(self, code) -> None:
        if self._recheck_task is not None:
            self._recheck_task.cancel()
        await super().disconnect(code)

    # ----- access changes (apps.posts.access_events): re-decided as at connect, 4403 when gone
    async def _recheck_loop(self) -> None:
        while True:
            await asyncio.sleep(recheck_seconds())
            try:
                await self._recheck()
            except Exception:
                logger.exception("periodic access re-check failed")

    async def access_changed(self, event) -> None:
        if concerns(event, self.scope["user"].pk):
            await self._recheck()

    async def _recheck(self) -> None:
        if not self.joined:
            return
        if await self.authorize(self.scope["user"]) == CLOSE_NOT_FOUND:
            await self.close(code=CLOSE_FORBIDDEN)
