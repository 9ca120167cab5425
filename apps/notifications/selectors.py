"""Reads: a person's own notifications (only from workspaces they still belong to) and preferences."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from apps.accounts.models import Membership, User

from .models import EmailMode, Kind, Notification, Preference


def notifications_for_user(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    workspaces = Membership.objects.filter(user=user).values("workspace_id")
    queryset = Notification.objects.filter(recipient=user, in_app=True, workspace_id__in=workspaces).select_related(
        "workspace"
    )
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
        kind: stored.get(kind) or Preference(user=user, kind=kind, in_app=True, email=EmailMode.DIGEST)
        for kind in Kind.values
    }
