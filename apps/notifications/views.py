"""The notifications page (mark read, mark all read, open one) and the preferences form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import EmailMode, default_email


@login_required
def index(request):
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.notifications_for_user(user=request.user, unread_only=unread_only)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/index.html",
        {"page": page, "unread_only": unread_only, "workspace_optional": True},
    )


@login_required
@require_POST
def read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(n)s notification(s) marked as read.") % {"n": count})
    return redirect("notifications:index")


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one read; with open=1 go on to what it is about (an address on this site only)."""
    notification = selectors.notifications_for_user(user=request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    services.notification_mark_read(notification=notification, user=request.user)
    target = notification.url if request.POST.get("open") == "1" else ""
    if not (target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})):
        target = reverse("notifications:index")
    return HttpResponseRedirect(target)


@login_required
def preferences(request):
    prefs = selectors.preferences_for(user=request.user)
    if request.method == "POST":
        for kind in prefs:
            email = request.POST.get(f"email_{kind}", "")
            if email not in EmailMode.values:
                email = default_email(kind)
            services.preference_set(
                user=request.user, kind=kind, in_app=request.POST.get(f"in_app_{kind}") == "on", email=email
            )
        messages.success(request, _("Notification preferences saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"prefs": list(prefs.values()), "modes": EmailMode.choices, "workspace_optional": True},
    )
