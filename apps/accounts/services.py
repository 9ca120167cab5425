"""Writes for accounts: workspaces, memberships, tokens."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.services import audit_log

from .models import ApiToken, Invitation, InvitationState, Membership, User, Workspace
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
    user_set_default_workspace(user=owner, workspace=workspace)
    audit_log(actor=owner, action="workspace.create", target=workspace, workspace=workspace)
    return workspace


def user_set_default_workspace(*, user: User, workspace: Workspace | None) -> None:
    """The workspace browser sessions of the user work in until they switch (a member's own choice)."""
    workspace_id = workspace.pk if workspace is not None else None
    if user.default_workspace_id != workspace_id:
        User.objects.filter(pk=user.pk).update(default_workspace_id=workspace_id)
        user.default_workspace_id = workspace_id


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


def _invitation_target(login: str) -> tuple[str, User | None, str]:
    """(normalised login, the user a username names, the address an e-mail login names)."""
    login = login.strip().lower()
    if not login or len(login) > 254:
        raise InvalidInput(_("Give a username or an e-mail address."))
    if "@" in login:
        try:
            validate_email(login)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address.")) from None
        return login, None, login
    return login, User.objects.filter(username__iexact=login, is_active=True).first(), ""


@transaction.atomic
def invitation_create(*, actor: User, workspace: Workspace, login: str, role: str, accept_url: str = "") -> Invitation:
    """Invite someone (by username or e-mail address) to the workspace with a role. Nobody joins without
    accepting. The outcome is the same whether or not an address has an account (the address gets the
    same mail either way, and can be accepted after signing up with it), so inviting reveals nothing."""
    require_capability(user=actor, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    if role not in Role.values:
        raise InvalidInput(_("Unknown role: %(role)s.") % {"role": role})
    login, invitee, email = _invitation_target(login)
    # Members' usernames are on the members page already: saying so leaks nothing.
    if invitee is not None and Membership.objects.filter(workspace=workspace, user=invitee).exists():
        raise Conflict(_("%(user)s is already a member.") % {"user": invitee.username})
    invitation, _created = Invitation.objects.select_for_update().update_or_create(
        workspace=workspace,
        login=login,
        state=InvitationState.PENDING,
        defaults={"role": role, "invited_by": actor, "invitee": invitee, "email": email},
    )
    audit_log(
        actor=actor,
        action="membership.invite",
        target=invitation,
        workspace=workspace,
        data={"login": login, "role": role},
    )
    address = email or (invitee.email if invitee is not None else "")
    if address:
        transaction.on_commit(
            lambda: _send_invitation_mail(invitation_id=invitation.pk, address=address, accept_url=accept_url)
        )
    return invitation


def _send_invitation_mail(*, invitation_id: int, address: str, accept_url: str) -> None:
    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.state != InvitationState.PENDING:
        return
    context = {"invitation": invitation, "accept_url": accept_url or "/app/invitations/"}
    subject = _("You are invited to %(name)s on Trendoscope") % {"name": invitation.workspace.name}
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject.replace("\n", " ")[:200], body, None, [address], fail_silently=True)


@transaction.atomic
def invitation_accept(*, user: User, invitation: Invitation, make_default: bool = True) -> Membership:
    """The invitee accepts: only now does the Membership exist. `make_default` makes the workspace the
    one the user's browser sessions open in."""
    invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
    if invitation.state != InvitationState.PENDING:
        raise Conflict(_("This invitation was already answered or withdrawn."))
    membership, created = Membership.objects.get_or_create(
        workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
    )
    invitation.state = InvitationState.ACCEPTED
    invitation.invitee = user
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "invitee", "responded_at"])
    if make_default or user.default_workspace_id is None:
        user_set_default_workspace(user=user, workspace=invitation.workspace)
    if created:
        audit_log(
            actor=user,
            action="membership.add",
            target=membership,
            workspace=invitation.workspace,
            data={"role": membership.role, "invitation": invitation.pk},
        )
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation: Invitation) -> None:
    updated = Invitation.objects.filter(pk=invitation.pk, state=InvitationState.PENDING).update(
        state=InvitationState.DECLINED, responded_at=timezone.now()
    )
    if updated:
        audit_log(actor=user, action="membership.decline", target=invitation, workspace=invitation.workspace)


@transaction.atomic
def invitation_revoke(*, actor: User, workspace: Workspace, pk: int) -> Invitation:
    require_capability(user=actor, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    invitation = Invitation.objects.filter(workspace=workspace, pk=pk, state=InvitationState.PENDING).first()
    if invitation is None:
        raise NotFound(_("Not found."))
    invitation.state = InvitationState.REVOKED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_at"])
    audit_log(actor=actor, action="membership.revoke_invitation", target=invitation, workspace=workspace)
    return invitation


def membership_add(*, actor: User, workspace: Workspace, login: str, role: str) -> Invitation:
    """Adding a member now invites them (kept for callers of the old name)."""
    return invitation_create(actor=actor, workspace=workspace, login=login, role=role)


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
    if user.default_workspace_id == workspace.pk:
        user_set_default_workspace(user=user, workspace=None)


def workspace_switch(*, request: HttpRequest, ref: str | int) -> Membership:
    """Work in another of the user's workspaces, in this session and (the stored default) the next."""
    user = request.user
    if not isinstance(user, User):
        raise NotFound(_("Not found."))
    membership = membership_for_workspace_ref(user=user, ref=ref)
    request.session[SESSION_KEY] = membership.workspace_id
    user_set_default_workspace(user=user, workspace=membership.workspace)
    # What WorkspaceMiddleware and membership_for_request hang on the request (HttpRequest declares none).
    request.membership, request.workspace = membership, membership.workspace  # type: ignore[attr-defined]
    request._trendoscope_membership = (user.pk, membership)  # type: ignore[attr-defined]
    return membership


def api_token_issue(*, user: User, name: str = "api", ttl: timedelta | None = None) -> tuple[ApiToken, str]:
    return ApiToken.issue(user=user, name=name, ttl=ttl)


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()
