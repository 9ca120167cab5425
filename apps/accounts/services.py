"""Writes for accounts: workspaces, memberships, tokens."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.core.errors import InvalidInput
from apps.core.permissions import require_capability
from apps.core.services import audit_log

from .models import ApiToken, Membership, User, Workspace
from .roles import Capability, Role
from .selectors import SESSION_KEY, membership_for_workspace_ref


@transaction.atomic
def workspace_create(*, name: str, owner: User, slug: str = "") -> Workspace:
    base = slugify(slug or name)[:50] or "workspace"
    candidate, n = base, 1
    while Workspace.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    workspace = Workspace.objects.create(name=name, slug=candidate)
    Membership.objects.create(workspace=workspace, user=owner, role=Role.ADMIN)
    audit_log(actor=owner, action="workspace.create", target=workspace, workspace=workspace)
    return workspace


@transaction.atomic
def membership_set_role(*, actor: User, workspace: Workspace, user: User, role: str) -> Membership:
    require_capability(user=actor, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": role})
    membership, _created = Membership.objects.update_or_create(workspace=workspace, user=user, defaults={"role": role})
    audit_log(actor=actor, action="membership.set_role", target=membership, workspace=workspace, data={"role": role})
    return membership


def workspace_switch(*, request, ref: str | int) -> Membership:
    membership = membership_for_workspace_ref(user=request.user, ref=ref)
    request.session[SESSION_KEY] = membership.workspace_id
    return membership


def api_token_issue(*, user: User, name: str = "api", ttl: timedelta | None = None) -> tuple[ApiToken, str]:
    return ApiToken.issue(user=user, name=name, ttl=ttl)


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()
