"""Puts the current workspace on every request: `request.membership` and `request.workspace` are a real
Membership/Workspace or None (never a lazy object wrapping None, which `is None` cannot see)."""

from __future__ import annotations

from django.shortcuts import render

from apps.core.errors import NotFound

from .errors import NoWorkspace, WorkspaceRequired
from .selectors import membership_for_request


class WorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.workspace = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The session's user is known here; API clients authenticate inside the view, and the API asks
        # membership_for_request itself (with the client's rules).
        if getattr(request.user, "is_authenticated", False):
            try:
                membership = membership_for_request(request)
            except (NotFound, WorkspaceRequired):
                membership = None
            request.membership = membership
            request.workspace = membership.workspace if membership else None
        return None

    def process_exception(self, request, exception):
        """A page that needs a workspace, for a user without one: the onboarding page (create a workspace,
        accept an invitation, or choose among theirs) instead of a 404."""
        if (
            isinstance(exception, NoWorkspace)
            and request.path.startswith("/app/")
            and getattr(request.user, "is_authenticated", False)
        ):
            return render(request, "accounts/onboarding.html", {"reason": str(exception), "workspace_optional": True})
        return None
