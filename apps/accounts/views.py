from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import Conflict, NotFound
from apps.core.params import safe_id
from apps.core.selectors import audit_actions_for_workspace, audit_entries_filtered, dashboard_summary

from . import selectors, services
from .models import User
from .permissions import require_capability
from .roles import Capability, Role


@login_required
@require_POST
def workspace_switch(request):
    try:
        membership = services.workspace_switch(request=request, ref=request.POST.get("workspace", ""))
        messages.success(request, _("Switched to %(name)s.") % {"name": membership.workspace.name})
    except NotFound as exc:
        messages.error(request, str(exc))
    target = request.POST.get("next") or "/app/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/app/"
    return redirect(target)


@login_required
def workspace_members(request):
    membership = _current(request)
    members = selectors.workspace_members(workspace=membership.workspace)
    can_manage = membership.can(Capability.MANAGE_WORKSPACE)
    context = {
        "members": members,
        "can_manage": can_manage,
        "roles": Role.choices,
        "invitations": selectors.invitations_pending_for_workspace(workspace=membership.workspace)
        if can_manage
        else [],
    }
    return render(request, "accounts/members.html", context)


def _current(request):
    return selectors.request_membership(request)


def _member_user(workspace, user_id: int) -> User:
    """A member of the workspace by user id; 404 for anyone else (no lookup outside the workspace)."""
    membership = selectors.workspace_members(workspace=workspace).filter(user_id=user_id).first()
    if membership is None:
        raise NotFound(_("Not found."))
    return membership.user


def _report(request, action) -> None:
    try:
        message = action()
        messages.success(request, message)
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(exc.messages) if hasattr(exc, "messages") else exc.message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))


@login_required
@require_POST
def member_add(request):
    workspace = _current(request).workspace

    def invite():
        invitation = services.invitation_create(
            actor=request.user,
            workspace=workspace,
            login=request.POST.get("login", ""),
            role=request.POST.get("role", Role.WRITER),
            accept_url=request.build_absolute_uri(reverse("workspaces:invitations")),
        )
        # The same words whether or not the address has an account.
        return _("Invited %(login)s as %(role)s. They join once they accept.") % {
            "login": invitation.login,
            "role": invitation.get_role_display(),
        }

    _report(request, invite)
    return redirect("workspaces:members")


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    workspace = _current(request).workspace

    def revoke():
        invitation = services.invitation_revoke(actor=request.user, workspace=workspace, pk=pk)
        return _("Invitation for %(login)s withdrawn.") % {"login": invitation.login}

    _report(request, revoke)
    return redirect("workspaces:members")


@login_required
def invitations(request):
    """The user's pending invitations: accept (and choose whether to switch to it) or decline."""
    pending = selectors.invitations_pending_for_user(user=request.user)
    return render(request, "accounts/invitations.html", {"invitations": pending, "workspace_optional": True})


@login_required
@require_POST
def invitation_answer(request, pk: int):
    invitation = selectors.invitation_for_user(user=request.user, pk=pk)
    if request.POST.get("answer") == "accept":
        make_default = request.POST.get("switch") == "1" or request.membership is None
        try:
            membership = services.invitation_accept(user=request.user, invitation=invitation, make_default=make_default)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("workspaces:invitations")
        if make_default:
            services.workspace_switch(request=request, ref=membership.workspace_id)
        messages.success(
            request,
            _("You joined %(name)s as %(role)s.")
            % {"name": membership.workspace.name, "role": membership.get_role_display()},
        )
        return redirect("workspaces:dashboard" if make_default else "workspaces:invitations")
    services.invitation_decline(user=request.user, invitation=invitation)
    messages.success(request, _("Invitation to %(name)s declined.") % {"name": invitation.workspace.name})
    return redirect("workspaces:invitations")


@login_required
@require_POST
def member_set_role(request, user_id: int):
    workspace = _current(request).workspace
    user = _member_user(workspace, user_id)

    def change():
        m = services.membership_set_role(
            actor=request.user, workspace=workspace, user=user, role=request.POST.get("role", "")
        )
        return _("%(user)s is now %(role)s.") % {"user": user, "role": m.get_role_display()}

    _report(request, change)
    return redirect("workspaces:members")


@login_required
@require_POST
def member_remove(request, user_id: int):
    workspace = _current(request).workspace
    user = _member_user(workspace, user_id)

    def remove():
        services.membership_remove(actor=request.user, workspace=workspace, user=user)
        if user.pk == request.user.pk:
            request.session.pop(selectors.SESSION_KEY, None)
            return _("You left %(name)s.") % {"name": workspace.name}
        return _("%(user)s was removed from %(name)s.") % {"user": user, "name": workspace.name}

    _report(request, remove)
    if user.pk == request.user.pk:
        return redirect("workspaces:dashboard")
    return redirect("workspaces:members")


@login_required
def workspace_new(request):
    """Create a workspace; its creator becomes its admin and works in it from now on."""
    name = request.POST.get("name", "").strip() if request.method == "POST" else ""
    error = None
    if request.method == "POST":
        if not name or len(name) > 120:
            error = _("Give the workspace a name (up to 120 characters).")
        else:
            workspace = services.workspace_create(name=name, owner=request.user)
            services.workspace_switch(request=request, ref=workspace.pk)
            messages.success(request, _("Created %(name)s. You are its admin.") % {"name": workspace.name})
            return redirect("workspaces:dashboard")
    context = {"name": name, "error": error, "workspace_optional": True}
    return render(request, "accounts/workspace_new.html", context)


@login_required
def api_tokens(request):
    """The user's bearer tokens for API and mobile clients: create one (its key is shown once), revoke."""
    new_key = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100] or "api"
        _token, new_key = services.api_token_issue(user=request.user, name=name)
        messages.success(request, _("Token created. Copy it now: it is not shown again."))
    tokens = selectors.api_tokens_for_user(user=request.user)
    return render(request, "accounts/tokens.html", {"tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = selectors.api_token_for_user(user=request.user, pk=pk)
    services.api_token_revoke(token=token)
    messages.success(request, _("Token revoked."))
    return redirect("workspaces:tokens")


# --- the workspace's home: dashboard and audit log --------------------------------------------------

AUDIT_PAGE_SIZE = 50


@login_required
def dashboard(request):
    membership = request.membership
    context = {"summary": dashboard_summary(membership=membership) if membership else None}
    return render(request, "accounts/dashboard.html", context)


@login_required
def keyboard_shortcuts(request):
    """What the keyboard does in the editor and on the board (linked from both and the sidebar)."""
    return render(request, "accounts/shortcuts.html", {"workspace_optional": True})


@login_required
def audit_log_page(request, default_action: str = ""):
    """The workspace's one audit log, filtered by action (exact or prefix) and actor, 50 entries a
    page; the posts section opens it on the posts' actions (default_action="post.")."""
    membership = selectors.request_membership(request)
    workspace = membership.workspace
    require_capability(user=request.user, workspace=workspace, capability=Capability.VIEW)
    action = request.GET.get("action", default_action).strip()[:64]
    actor = request.GET.get("actor", "").strip()
    actor_id = safe_id(actor)
    entries = audit_entries_filtered(workspace=workspace, action=action, actor_id=actor_id)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "entries": page.object_list,
        "actions": audit_actions_for_workspace(workspace=workspace),
        "members": selectors.workspace_members(workspace=workspace),
        "action": action,
        "actor_id": actor_id,
        "filter_query": query.urlencode(),
        "filtered": bool(action or actor_id),
    }
    return render(request, "accounts/audit_log.html", context)
