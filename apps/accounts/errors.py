"""Why a request has no workspace to work in: none at all (the onboarding page / a 404), or several
and the API client did not say which (a 400 listing them)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions, status

from apps.core.errors import NotFound


class NoWorkspace(NotFound):
    """The user belongs to no workspace (or named one they do not belong to). Pages under /app/ show the
    onboarding page instead; the API answers 404 with the error envelope."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("You are not a member of any workspace yet."))


class WorkspaceRequired(exceptions.APIException):
    """An API client of a user in several workspaces sent no X-Workspace header: never guess one."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "workspace_required"

    def __init__(self, memberships):
        message = _("You belong to several workspaces: name one in the X-Workspace header (its id or slug).")
        self.message = str(message)
        # Set directly: DRF would turn the ids into strings.
        self.detail = {
            "detail": message,
            "workspaces": [
                {"id": m.workspace_id, "slug": m.workspace.slug, "name": m.workspace.name} for m in memberships
            ],
        }

    def get_codes(self):
        return self.default_code

    def __str__(self) -> str:
        return self.message
