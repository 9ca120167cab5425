"""Reads for live editing: who may join a post's room and whether they may change the document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.posts.access import post_access
from apps.posts.models import Post

from .conf import collab_setting
from .models import DocumentCheckpoint, DocumentUpdate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class RoomAccess:
    post_id: int
    workspace_id: int
    can_edit: bool
    # Why the user may only read (shown in the editor), empty when they may edit.
    read_only_reason: str = ""


def room_access_for(*, user: User | AnonymousUser, post_id: int) -> RoomAccess | None:
    """The one place that decides room access (None = the user must not learn the post exists).

    It defers to the posts app's rules (apps.posts.access.post_access): the workspace role (writers
    edit their own posts, editors and admins any) plus django-guardian shares (viewer and commenter
    read, editor edits); archived posts are read-only."""
    if not getattr(user, "is_authenticated", False):
        return None
    post = Post.objects.filter(pk=post_id).only("id", "workspace_id", "author_id", "assignee_id", "state").first()
    if post is None:
        return None
    access = post_access(user=user, post=post)
    if not access.can_view:
        return None
    reason = "" if access.can_edit else _("You can read this post but not edit it.")
    return RoomAccess(
        post_id=post.pk, workspace_id=post.workspace_id, can_edit=access.can_edit, read_only_reason=reason
    )


def document_rows(*, post_id: int) -> tuple[bytes | None, list[tuple[int, bytes]]]:
    """The checkpoint (or None) and every log row not yet folded into it, oldest first."""
    checkpoint = DocumentCheckpoint.objects.filter(post_id=post_id).values_list("state", flat=True).first()
    rows = list(DocumentUpdate.objects.filter(post_id=post_id).order_by("id").values_list("id", "data"))
    return (bytes(checkpoint) if checkpoint is not None else None), [(pk, bytes(data)) for pk, data in rows]


def posts_with_pending_log(*, min_rows: int = 1) -> list[int]:
    return list(
        DocumentUpdate.objects.values("post_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_rows)
        .values_list("post_id", flat=True)
    )


PRESENCE_COLORS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#0f8b8d", "#f032e6", "#9a6324"]


def presence_color(user_id: int) -> str:
    """A stable colour per person for cursors and the presence list."""
    return PRESENCE_COLORS[user_id % len(PRESENCE_COLORS)]


def document_status(*, post_id: int) -> dict[str, Any]:
    checkpoint = DocumentCheckpoint.objects.filter(post_id=post_id).values_list("size", flat=True).first() or 0
    pending = DocumentUpdate.objects.filter(post_id=post_id).count()
    return {
        "document_bytes": checkpoint,
        "pending_updates": pending,
        "max_document_bytes": collab_setting("MAX_DOCUMENT_BYTES"),
    }
