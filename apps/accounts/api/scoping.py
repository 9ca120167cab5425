"""Base API classes: a workspace-scoped viewset whose queryset cannot be left unscoped (outsiders get
404; subclasses implement base_queryset(), never get_queryset())."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import cached_property
from rest_framework import viewsets

from ..permissions import require_capability
from ..selectors import membership_for_request

if TYPE_CHECKING:
    _ViewSet = viewsets.GenericViewSet
else:
    _ViewSet = object


class WorkspaceScopedMixin(_ViewSet):
    """Lists show the current workspace; object lookups reach any workspace the user belongs to,
    so an outsider always gets 404. Subclasses implement base_queryset(), never get_queryset()."""

    list_actions: tuple[str, ...] = ("list",)
    capability_for_write: str | None = None

    def base_queryset(self):
        raise NotImplementedError

    @cached_property
    def membership(self):
        return membership_for_request(self.request)

    @property
    def workspace(self):
        return self.membership.workspace

    def get_queryset(self):
        queryset = self.base_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        if self.action in self.list_actions:
            return queryset.filter(workspace=self.workspace)
        return (
            queryset.visible_to(self.request.user)
            if hasattr(queryset, "visible_to")
            else queryset.filter(workspace__memberships__user=self.request.user)
        )

    def require(self, capability: str, workspace=None):
        return require_capability(user=self.request.user, workspace=workspace or self.workspace, capability=capability)


class WorkspaceScopedViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    pass
