"""The posts side of notifications: who hears what happens to a post (apps.notifications stores the kind
and its parameters and renders the words when they are read, in the reader's language). People the
post is shared with hear about it although they are not members, until the share ends."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from apps.accounts.models import User
from apps.notifications.models import Kind
from apps.notifications.services import notifications_withdraw, post_activity

from .access import post_access
from .models import Post

# The notification of each workflow action (posts/transitions.py).
ACTION_KINDS = {
    "submit": Kind.REVIEW_REQUESTED,
    "approve": Kind.POST_APPROVED,
    "request_changes": Kind.CHANGES_REQUESTED,
    "schedule": Kind.POST_SCHEDULED,
    "publish": Kind.POST_PUBLISHED,
    "unpublish": Kind.POST_UNPUBLISHED,
    "archive": Kind.POST_ARCHIVED,
    "to_draft": Kind.POST_TO_DRAFT,
}


def tell(
    *,
    kind: Kind,
    post: Post,
    actor: User | None,
    recipients: Iterable[User | None],
    about: str,
    params: dict[str, Any] | None = None,
) -> None:
    """Tell the recipients (never the actor) who may see the post: members of its workspace, and
    others whom it is shared with."""
    post_activity(
        kind=kind,
        post=post,
        actor=actor,
        recipients=recipients,
        about=about,
        params=params,
        guest_check=lambda user: post_access(user=user, post=post).can_view,
    )


def share_ended(*, post: Post, user: User) -> None:
    """The post is no longer shared with `user`: what they were told about it as a guest goes."""
    notifications_withdraw(key_prefix=f"post:{post.pk}:", recipient=user)
