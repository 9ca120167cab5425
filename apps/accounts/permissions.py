"""Permission helpers: every service and selector checks through these, never only templates."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from apps.core.errors import Forbidden, NotFound

from .models import Membership, User, Workspace
from .roles import Capability


def membership_for(*, user: User | AnonymousUser | None, workspace: Workspace | int | None) -> Membership | None:
    if not isinstance(user, User) or workspace is None:
        return None
    cache: dict[int, Membership | None] | None = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = user._membership_cache = {}
    key = workspace.pk if isinstance(workspace, Workspace) else workspace
    if key not in cache:
        cache[key] = Membership.objects.filter(user=user, workspace_id=key).select_related("workspace").first()
    return cache[key]


def require_member(*, user: User | AnonymousUser | None, workspace: Workspace | int | None) -> Membership:
    """The user's membership, or 404: outsiders must not learn that the workspace exists."""
    membership = membership_for(user=user, workspace=workspace)
    if membership is None:
        raise NotFound(_("Not found."))
    return membership


def require_capability(
    *, user: User | AnonymousUser | None, workspace: Workspace | int | None, capability: str
) -> Membership:
    membership = require_member(user=user, workspace=workspace)
    if not membership.can(capability):
        raise Forbidden(
            _("Your role (%(role)s) cannot do this: %(capability)s.")
            % {"role": membership.get_role_display(), "capability": Capability(capability).label}
        )
    return membership
