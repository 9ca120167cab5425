"""The notifications app's live events (see apps.core.realtime): a person's bell hears when one of their
notifications is new (or counted up) and when they read some elsewhere.

Group: notifications.user.<id>, joined by the bell's socket (/ws/notifications/, consumers.py) and by the
posts sockets. Events carry ids, kinds and counts, never text: the page fetches the words in its own
language."""

from __future__ import annotations

from apps.core.realtime import Event, fields, send_on_commit

_ID = {"type": "integer"}
_COUNT = {"type": "integer", "minimum": 0}


def user_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


NOTIFICATION_CREATED = Event(
    "notification.created",
    fields({"id": _ID, "kind": {"type": "string"}, "url": {"type": "string"}, "count": _ID, "unread": _COUNT}),
)
NOTIFICATION_READ = Event("notification.read", fields({"unread": _COUNT}, {"id": _ID}))


def notification_created(notification, *, unread: int) -> None:
    message = NOTIFICATION_CREATED.build(
        id=notification.pk, kind=notification.kind, url=notification.url, count=notification.count, unread=unread
    )
    send_on_commit(user_group(notification.recipient_id), message)


def notifications_read(*, user_id: int, unread: int, notification_id: int | None = None) -> None:
    extra = {"id": notification_id} if notification_id is not None else {}
    send_on_commit(user_group(user_id), NOTIFICATION_READ.build(unread=unread, **extra))
