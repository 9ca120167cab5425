"""Reads: a person's own notifications (from workspaces they still belong to, and guest rows about what
was shared with them) and preferences."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from apps.accounts.models import Membership, User

from .models import Kind, Notification, Preference, default_email


def notifications_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    workspaces = Membership.objects.filter(user=user).values("workspace_id")
    queryset = Notification.objects.filter(
        Q(workspace_id__in=workspaces) | Q(guest=True), recipient=user, in_app=True
    ).select_related("workspace")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(*, user: User | AnonymousUser | None) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return notifications_for_user(user=user, unread_only=True).count()


def preferences_for(*, user: User) -> dict[str, Preference]:
    """Every kind's preference for the user; kinds without a row get the default (unsaved)."""
    stored = {p.kind: p for p in Preference.objects.filter(user=user)}
    return {
        kind: stored.get(kind) or Preference(user=user, kind=kind, in_app=True, email=default_email(kind))
        for kind in Kind.values
    }
