"""Reads for live editing: who may join a post's room and whether they may change the document."""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.roles import Capability
from apps.core.permissions import membership_for
from apps.posts.models import Post

from .models import DocumentCheckpoint, DocumentUpdate


@dataclass(frozen=True)
class RoomAccess:
    post_id: int
    workspace_id: int
    can_edit: bool
    # Why the user may only read (shown in the editor), empty when they may edit.
    read_only_reason: str = ""


def _shared_level(*, user, post: Post) -> str | None:
    from apps.posts.models import PostUserObjectPermission

    codenames = set(
        PostUserObjectPermission.objects.filter(user=user, content_object=post).values_list(
            "permission__codename", flat=True
        )
    )
    if "edit_shared_post" in codenames:
        return "editor"
    if codenames & {"comment_shared_post", "view_shared_post"}:
        return "viewer"
    return None


def room_access_for(*, user, post_id: int) -> RoomAccess | None:
    """The one place that decides room access (None = the user must not learn the post exists).

    Workspace roles: writers and publishers edit their own posts, editors and admins any post, other
    members read. django-guardian shares: "editor" edits, "viewer"/"commenter" read."""
    from django.utils.translation import gettext as _

    if not getattr(user, "is_authenticated", False):
        return None
    post = Post.objects.filter(pk=post_id).only("id", "workspace_id", "author_id").first()
    if post is None:
        return None
    membership = membership_for(user=user, workspace=post.workspace_id)
    shared = None
    if membership is None or not membership.can(Capability.EDIT_ANY):
        shared = _shared_level(user=user, post=post)
    if membership is None and shared is None:
        return None
    can_edit = bool(
        (membership is not None and membership.can(Capability.EDIT_ANY))
        or (membership is not None and membership.can(Capability.WRITE) and post.author_id == user.pk)
        or shared == "editor"
    )
    reason = "" if can_edit else _("You can read this post but not edit it.")
    return RoomAccess(post_id=post.pk, workspace_id=post.workspace_id, can_edit=can_edit, read_only_reason=reason)


def document_rows(*, post_id: int) -> tuple[bytes | None, list[tuple[int, bytes]]]:
    """The checkpoint (or None) and every log row not yet folded into it, oldest first."""
    checkpoint = DocumentCheckpoint.objects.filter(post_id=post_id).values_list("state", flat=True).first()
    rows = list(DocumentUpdate.objects.filter(post_id=post_id).order_by("id").values_list("id", "data"))
    return (bytes(checkpoint) if checkpoint is not None else None), [(pk, bytes(data)) for pk, data in rows]


def posts_with_pending_log(*, min_rows: int = 1) -> list[int]:
    from django.db.models import Count

    return list(
        DocumentUpdate.objects.values("post_id")
        .annotate(n=Count("id"))
        .filter(n__gte=min_rows)
        .values_list("post_id", flat=True)
    )
