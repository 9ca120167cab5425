"""Reads for accounts: which workspaces a user sees and which one a request works in."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.core.errors import NotFound

from .models import ApiToken, Membership, User, Workspace

SESSION_KEY = "workspace_id"
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
HEADER = "HTTP_X_WORKSPACE"


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")


def workspace_members(*, workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__username")


def membership_for_workspace_ref(*, user: User, ref: str | int) -> Membership:
    """The user's membership in the workspace named by id or slug; 404 for unknown or foreign ones."""
    queryset = Membership.objects.filter(user=user).select_related("workspace")
    ref = str(ref).strip()
    membership = None
    # Only well-formed refs reach the database: ids that fit a bigint, slugs of slug characters
    # (a NUL byte or a 30-digit number would otherwise be a database error, i.e. a 500).
    if ref.isascii() and ref.isdigit() and len(ref) <= 18:
        membership = queryset.filter(workspace_id=int(ref)).first()
    if membership is None and _SLUG.fullmatch(ref):
        membership = queryset.filter(workspace__slug=ref).first()
    if membership is None:
        raise NotFound(_("Unknown workspace: %(ref)s.") % {"ref": ref[:80].replace("\x00", "")})
    return membership


def membership_for_request(request) -> Membership:
    """The membership the request works in: the X-Workspace header, else the session's choice,
    else the user's first workspace. Cached on the request."""
    cached = getattr(request, "_trendoscope_membership", None)
    if cached is not None:
        return cached
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("Not found."))
    header = request.META.get(HEADER)
    if header:
        membership = membership_for_workspace_ref(user=user, ref=header)
    else:
        chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        queryset = memberships_for_user(user=user)
        membership = (queryset.filter(workspace_id=chosen).first() if chosen else None) or queryset.first()
        if membership is None:
            raise NotFound(_("You are not a member of any workspace yet."))
    request._trendoscope_membership = membership
    return membership


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_for_user(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound(_("Not found."))
    return token
