"""Writes for accounts: workspaces, memberships, tokens."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, InvalidInput, NotFound
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


def _ensure_another_admin(*, workspace: Workspace, user: User) -> None:
    """A workspace always keeps at least one admin (else nobody could manage it any more)."""
    others = Membership.objects.filter(workspace=workspace, role=Role.ADMIN).exclude(user=user)
    if not others.select_for_update().exists():
        raise Conflict(_("A workspace needs at least one admin: make someone else admin first."))


@transaction.atomic
def membership_set_role(*, actor: User, workspace: Workspace, user: User, role: str) -> Membership:
    require_capability(user=actor, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": role})
    current = Membership.objects.filter(workspace=workspace, user=user).values_list("role", flat=True).first()
    if current == Role.ADMIN and role != Role.ADMIN:
        _ensure_another_admin(workspace=workspace, user=user)
    membership, _created = Membership.objects.update_or_create(workspace=workspace, user=user, defaults={"role": role})
    audit_log(actor=actor, action="membership.set_role", target=membership, workspace=workspace, data={"role": role})
    return membership


@transaction.atomic
def membership_add(*, actor: User, workspace: Workspace, login: str, role: str) -> Membership:
    """Add an existing user (by username or e-mail address) to the workspace with a role."""
    require_capability(user=actor, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": role})
    login = login.strip()
    user = (
        User.objects.filter(username__iexact=login).first() or User.objects.filter(email__iexact=login).first()
        if login
        else None
    )
    if user is None:
        raise InvalidInput(_("Nobody has the username or e-mail address “%(login)s”.") % {"login": login[:150]})
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(_("%(user)s is already a member.") % {"user": user})
    membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    audit_log(actor=actor, action="membership.add", target=membership, workspace=workspace, data={"role": role})
    return membership


@transaction.atomic
def membership_remove(*, actor: User, workspace: Workspace, user: User) -> None:
    """Remove a member (admins), or leave the workspace (anyone, for themselves)."""
    if actor.pk != user.pk:
        require_capability(user=actor, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise NotFound(_("Not found."))
    if membership.role == Role.ADMIN:
        _ensure_another_admin(workspace=workspace, user=user)
    audit_log(
        actor=actor, action="membership.remove", workspace=workspace, data={"user": user.pk, "username": user.username}
    )
    membership.delete()


def workspace_switch(*, request, ref: str | int) -> Membership:
    membership = membership_for_workspace_ref(user=request.user, ref=ref)
    request.session[SESSION_KEY] = membership.workspace_id
    return membership


def api_token_issue(*, user: User, name: str = "api", ttl: timedelta | None = None) -> tuple[ApiToken, str]:
    return ApiToken.issue(user=user, name=name, ttl=ttl)


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()
