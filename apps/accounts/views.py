from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import NotFound

from . import selectors, services


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
    membership = request.membership
    if membership is None:
        raise NotFound(_("You are not a member of any workspace yet."))
    members = selectors.workspace_members(workspace=membership.workspace)
    return render(request, "accounts/members.html", {"members": members})
