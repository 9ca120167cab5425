"""Reads for accounts: which workspaces a user sees and which one a request works in."""

from __future__ import annotations

import re

from allauth.account.models import EmailAddress
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import Exists, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from apps.core.errors import NotFound

from .errors import NoWorkspace, WorkspaceRequired
from .models import ApiToken, Invitation, InvitationState, Membership, User, Workspace
from .roles import ROLE_CAPABILITIES

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


def _is_browser_session(request: HttpRequest) -> bool:
    """A browser's cookie session (pages, and the API called by our scripts) may rely on the session's
    choice and the stored default; API clients (bearer or headless session tokens) must name one."""
    if isinstance(request, Request):
        return isinstance(request.successful_authenticator, SessionAuthentication)
    return True


def membership_for_request(request: HttpRequest) -> Membership:
    """The membership the request works in: the X-Workspace header (404 for a foreign one); else the
    user's only workspace; else, for a browser session, the session's choice or the user's stored default.
    Never a guess: otherwise NoWorkspace (no workspace, or a browser with no choice yet) or, for an API
    client, WorkspaceRequired (a 400 listing the workspaces to choose from). Cached on the request."""
    user = request.user
    if not isinstance(user, User):  # anonymous
        raise NotFound(_("Not found."))
    cached: tuple[int, Membership] | None = getattr(request, "_trendoscope_membership", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    header = request.META.get(HEADER)
    if header:
        membership = membership_for_workspace_ref(user=user, ref=header)
    else:
        memberships = list(memberships_for_user(user=user))
        if not memberships:
            raise NoWorkspace()
        membership = memberships[0] if len(memberships) == 1 else _chosen_membership(request, user, memberships)
    request._trendoscope_membership = (user.pk, membership)  # type: ignore[attr-defined]  # a per-request cache
    return membership


def _chosen_membership(request: HttpRequest, user: User, memberships: list[Membership]) -> Membership:
    """Of several workspaces, the one this browser session chose (or the user's default)."""
    if not _is_browser_session(request):
        raise WorkspaceRequired(memberships)
    by_id = {m.workspace_id: m for m in memberships}
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    membership = by_id.get(chosen or 0) or by_id.get(user.default_workspace_id or 0)
    if membership is None:
        raise NoWorkspace(_("Choose the workspace to work in."))
    return membership


def request_membership(request: HttpRequest) -> Membership:
    """For pages: the membership the middleware found, or NoWorkspace (pages under /app/ then show the
    onboarding page: create a workspace, accept an invitation, or choose one)."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise NoWorkspace()
    return membership


def membership_for_socket(
    *, user: User, ref: str | None, session: SessionBase | None = None, by_token: bool = False
) -> Membership:
    """The websocket counterpart of membership_for_request: `?workspace=` (id or slug), else the only
    workspace, else (browser sessions) the session's choice or the stored default. NoWorkspace for none
    or a foreign one, WorkspaceRequired when an API client must name one."""
    if ref:
        return membership_for_workspace_ref(user=user, ref=ref)
    memberships = list(memberships_for_user(user=user))
    if not memberships:
        raise NoWorkspace()
    if len(memberships) == 1:
        return memberships[0]
    if by_token:
        raise WorkspaceRequired(memberships)
    by_id = {m.workspace_id: m for m in memberships}
    chosen = session.get(SESSION_KEY) if session is not None else None
    membership = by_id.get(chosen or 0) or by_id.get(user.default_workspace_id or 0)
    if membership is None:
        raise WorkspaceRequired(memberships)
    return membership


def invitations_pending_for_user(*, user: User) -> QuerySet[Invitation]:
    """Invitations the user may accept: by their username, or to one of their verified addresses (or, for
    an account an operator made without allauth addresses, its e-mail). Lazy: no query until used."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    addresses = EmailAddress.objects.filter(user=user)
    verified = addresses.filter(verified=True).annotate(address=Lower("email")).values("address")
    match: Q | Combinable = Q(invitee=user) | Q(invitee__isnull=True, email__in=verified)
    if user.email:
        match |= Q(invitee__isnull=True, email=user.email.lower()) & ~Exists(addresses)
    return (
        Invitation.objects.filter(match, state=InvitationState.PENDING)
        .exclude(workspace__memberships__user=user)
        .select_related("workspace", "invited_by")
        .order_by("-created_at")
    )


def invitation_for_user(*, user: User, pk: int) -> Invitation:
    """One of the user's own pending invitations; 404 for anyone else's."""
    invitation = invitations_pending_for_user(user=user).filter(pk=pk).first()
    if invitation is None:
        raise NotFound(_("Not found."))
    return invitation


def invitations_pending_for_workspace(*, workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace, state=InvitationState.PENDING).order_by("-created_at")


def api_tokens_for_user(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_for_user(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens; 404 for anyone else's."""
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound(_("Not found."))
    return token


def members_with_capability(*, workspace_id: int, capability: str) -> list[User]:
    """The members of a workspace whose role grants `capability` (who is told about what)."""
    roles = [role for role, caps in ROLE_CAPABILITIES.items() if capability in caps]
    return [m.user for m in Membership.objects.filter(workspace_id=workspace_id, role__in=roles).select_related("user")]
