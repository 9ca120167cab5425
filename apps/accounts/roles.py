"""Workspace roles and what each may do. The one table every permission check reads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    WRITER = "writer", _("Writer")
    EDITOR = "editor", _("Editor")
    PUBLISHER = "publisher", _("Publisher")
    ADMIN = "admin", _("Admin")


class Capability(models.TextChoices):
    VIEW = "view", _("View the workspace")
    WRITE = "write", _("Create and edit own posts")
    EDIT_ANY = "edit_any", _("Edit anyone's posts")
    REVIEW = "review", _("Approve or request changes")
    PUBLISH = "publish", _("Schedule, publish and unpublish")
    MANAGE_SOURCES = "manage_sources", _("Manage sources")
    MANAGE_PERSONAS = "manage_personas", _("Manage personas")
    MANAGE_CHANNELS = "manage_channels", _("Manage publishing channels")
    MANAGE_WORKSPACE = "manage_workspace", _("Manage members and settings")


_WRITER = {Capability.VIEW, Capability.WRITE}
_EDITOR = _WRITER | {Capability.EDIT_ANY, Capability.REVIEW, Capability.MANAGE_SOURCES, Capability.MANAGE_PERSONAS}
_PUBLISHER = _WRITER | {Capability.PUBLISH, Capability.MANAGE_CHANNELS}

ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.WRITER: frozenset(_WRITER),
    Role.EDITOR: frozenset(_EDITOR),
    Role.PUBLISHER: frozenset(_PUBLISHER),
    Role.ADMIN: frozenset(Capability.values),
}


def role_can(role: str, capability: str) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
