"""What one person may do with one post: the workspace role plus any per-post share (django-guardian).
Services and selectors decide through here; templates only display the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, User
from apps.accounts.permissions import membership_for
from apps.accounts.roles import Capability
from apps.core.errors import Forbidden, NotFound

from .models import Post, PostState, PostUserObjectPermission, ShareLevel
from .transitions import allowed_transitions

SHARE_PERMISSIONS = {
    ShareLevel.VIEWER: ["view_shared_post"],
    ShareLevel.COMMENTER: ["view_shared_post", "comment_shared_post"],
    ShareLevel.EDITOR: ["view_shared_post", "comment_shared_post", "edit_shared_post"],
}
ALL_SHARE_CODENAMES = SHARE_PERMISSIONS[ShareLevel.EDITOR]


def share_level_from_codenames(codenames: set[str]) -> str | None:
    if "edit_shared_post" in codenames:
        return ShareLevel.EDITOR
    if "comment_shared_post" in codenames:
        return ShareLevel.COMMENTER
    if "view_shared_post" in codenames:
        return ShareLevel.VIEWER
    return None


@dataclass
class PostAccess:
    post: Post
    membership: Membership | None
    share_level: str | None
    is_owner: bool
    transitions: list[str] = field(default_factory=list)

    @property
    def can_view(self) -> bool:
        return self.membership is not None or self.share_level is not None

    @property
    def can_comment(self) -> bool:
        return self.membership is not None or self.share_level in (ShareLevel.COMMENTER, ShareLevel.EDITOR)

    @property
    def can_edit(self) -> bool:
        if self.post.state == PostState.ARCHIVED:
            return False
        if self.share_level == ShareLevel.EDITOR:
            return True
        membership = self.membership
        if membership is None:
            return False
        return membership.can(Capability.EDIT_ANY) or (membership.can(Capability.WRITE) and self.is_owner)

    @property
    def can_decide_suggestions(self) -> bool:
        return self.can_edit

    @property
    def can_share(self) -> bool:
        membership = self.membership
        return membership is not None and (
            membership.can(Capability.EDIT_ANY) or membership.can(Capability.MANAGE_WORKSPACE) or self.is_owner
        )

    @property
    def role_label(self) -> str:
        if self.membership is not None:
            return str(self.membership.get_role_display())
        return _("Guest (%(level)s)") % {"level": ShareLevel(self.share_level).label} if self.share_level else ""

    def as_dict(self) -> dict:
        return {
            "can_view": self.can_view,
            "can_comment": self.can_comment,
            "can_edit": self.can_edit,
            "can_decide_suggestions": self.can_decide_suggestions,
            "can_share": self.can_share,
            "share_level": self.share_level,
            "role": self.membership.role if self.membership else None,
        }


def post_access(*, user: User | AnonymousUser, post: Post) -> PostAccess:
    cache = post.__dict__.setdefault("_access_cache", {})
    key = getattr(user, "pk", None)
    if key in cache:
        return cache[key]
    if not isinstance(user, User):  # anonymous
        access = PostAccess(post=post, membership=None, share_level=None, is_owner=False)
    else:
        membership = membership_for(user=user, workspace=post.workspace_id)
        share_level = None
        # Members who can edit anything gain nothing from a share: skip the query.
        if membership is None or not membership.can(Capability.EDIT_ANY):
            codenames = set(
                PostUserObjectPermission.objects.filter(
                    user=user, content_object=post, permission__codename__in=ALL_SHARE_CODENAMES
                ).values_list("permission__codename", flat=True)
            )
            share_level = share_level_from_codenames(codenames)
        is_owner = user.pk in (post.author_id, post.assignee_id)
        access = PostAccess(post=post, membership=membership, share_level=share_level, is_owner=is_owner)
    access.transitions = allowed_transitions(access=access)
    cache[key] = access
    return access


def require_view(*, user: User | AnonymousUser, post: Post) -> PostAccess:
    access = post_access(user=user, post=post)
    if not access.can_view:
        raise NotFound(_("Not found."))
    return access


def require_comment(*, user: User | AnonymousUser, post: Post) -> PostAccess:
    access = require_view(user=user, post=post)
    if not access.can_comment:
        raise Forbidden(_("This post is shared with you to view only: you cannot comment on it."))
    return access


def require_edit(*, user: User | AnonymousUser, post: Post) -> PostAccess:
    access = require_view(user=user, post=post)
    if not access.can_edit:
        if post.state == PostState.ARCHIVED:
            raise Forbidden(_("Archived posts cannot be edited; move the post back to draft first."))
        if access.membership is None:
            raise Forbidden(_("This post is shared with you without editing rights."))
        raise Forbidden(
            _("Your role (%(role)s) can edit only your own posts or posts shared with you as editor.")
            % {"role": access.role_label}
        )
    return access


def forget_access(post: Post) -> None:
    post.__dict__.pop("_access_cache", None)
