"""Access changes reach open websockets: whenever a membership, a role, a per-post share or a post's
state changes, a message goes (after the transaction commits) to a channel-layer group that every
socket which may be affected listens on; each one then re-decides its access through the same
selectors it used at connect, and is downgraded to read-only or closed with 4403.

Groups: access.workspace.<id> (memberships and roles; the message names the user) and
access.post.<id> (shares, naming the user; state changes, naming nobody). Sockets also re-check
every ACCESS_RECHECK_SECONDS as a backstop for changes that bypass the ORM."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from apps.accounts.models import Membership

from . import events
from . import signals as post_signals
from .events import post_access_group, workspace_access_group
from .models import Post, PostUserObjectPermission


def recheck_seconds() -> float:
    return float(settings.ACCESS_RECHECK_SECONDS)


def concerns(message: dict, user_id: int | None) -> bool:
    """Whether an access message may change what `user_id` can do (a message naming nobody concerns all)."""
    named = message.get("user_id")
    return named is None or named == user_id


# ----- receivers (connected in PostsConfig.ready): they only announce


def _membership_changed(sender, instance, **kwargs) -> None:
    events.access_changed(group=workspace_access_group(instance.workspace_id), user_id=instance.user_id)


def _share_changed(sender, instance, **kwargs) -> None:
    events.access_changed(group=post_access_group(instance.content_object_id), user_id=instance.user_id)


def _post_transitioned(sender, *, post, **kwargs) -> None:
    events.access_changed(group=post_access_group(post.pk))


def _post_deleted(sender, instance, **kwargs) -> None:
    events.access_changed(group=post_access_group(instance.pk))


def connect() -> None:
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="access.membership.save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="access.membership.delete")
    post_save.connect(_share_changed, sender=PostUserObjectPermission, dispatch_uid="access.share.save")
    post_delete.connect(_share_changed, sender=PostUserObjectPermission, dispatch_uid="access.share.delete")
    post_delete.connect(_post_deleted, sender=Post, dispatch_uid="access.post.delete")
    post_signals.post_transitioned.connect(_post_transitioned, dispatch_uid="access.post_transitioned")
