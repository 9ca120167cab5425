"""Template helpers for the posts pages."""

from __future__ import annotations

from django import template

from ..models import PostState
from ..selectors import unread_notification_count

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The translated label of a workflow state code ("in_review" -> "In review")."""
    try:
        return str(PostState(value).label)
    except ValueError:
        return value


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return unread_notification_count(user=request.user)
