"""The bell's live channel: a signed-in person hears about their own notifications, whatever the
workspace (/ws/notifications/). The consumer only routes: EventConsumer checks Origin and sign-in."""

from __future__ import annotations

from apps.core.consumers import EventConsumer

from . import events


class NotificationsConsumer(EventConsumer):
    forward = (events.NOTIFICATION_CREATED, events.NOTIFICATION_READ)

    async def authorize(self, user) -> list[str] | int:
        return [events.user_group(user.pk)]
