"""Permission helpers: every service and selector checks through these, never only templates."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.core.errors import Forbidden, NotFound

from .models import Membership
from .roles import Capability


def membership_for(*, user, workspace) -> Membership | None:
    if not getattr(user, "is_authenticated", False) or workspace is None:
        return None
    cache = getattr(user, "_membership_cache", None)
    if cache is None:
        cache = user._membership_cache = {}
    key = workspace.pk if hasattr(workspace, "pk") else workspace
    if key not in cache:
        cache[key] = Membership.objects.filter(user=user, workspace_id=key).select_related("workspace").first()
    return cache[key]


def require_member(*, user, workspace) -> Membership:
    """The user's membership, or 404: outsiders must not learn that the workspace exists."""
    membership = membership_for(user=user, workspace=workspace)
    if membership is None:
        raise NotFound(_("Not found."))
    return membership


def require_capability(*, user, workspace, capability: str) -> Membership:
    membership = require_member(user=user, workspace=workspace)
    if not membership.can(capability):
        raise Forbidden(
            _("Your role (%(role)s) cannot do this: %(capability)s.")
            % {"role": membership.get_role_display(), "capability": Capability(capability).label}
        )
    return membership
