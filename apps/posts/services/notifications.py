"""In-app notifications (rows) and their e-mails (sent by a task after commit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.queue import enqueue_on_commit

from .. import events
from ..models import Notification, Post


def notify(
    *, recipients: Iterable[User | None], actor: User | None, post: Post, kind: str, message: str
) -> list[Notification]:
    """One notification per distinct recipient (never the actor), e-mailed once the change commits."""
    seen: set[int] = set()
    rows = []
    url = reverse("posts:detail", args=[post.pk])
    for user in recipients:
        if user is None or user.pk in seen or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                workspace_id=post.workspace_id,
                recipient=user,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                post=post,
                kind=kind,
                message=message[:500],
                url=url,
            )
        )
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    enqueue_on_commit("posts.send_notification_emails", notification_ids=[row.pk for row in created])
    for row in created:
        events.notification_created(row)
    return created


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id == user.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
