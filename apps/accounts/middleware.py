"""Puts the current workspace on every request (lazily: most requests never look)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from apps.core.errors import NotFound

from .selectors import membership_for_request


def _membership_or_none(request):
    try:
        return membership_for_request(request)
    except NotFound:
        return None


class WorkspaceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = SimpleLazyObject(lambda: _membership_or_none(request))
        request.workspace = SimpleLazyObject(lambda: getattr(_membership_or_none(request), "workspace", None))
        return self.get_response(request)
