"""Template helpers for the posts pages."""

from __future__ import annotations

from django import template

from ..models import PostState

register = template.Library()


@register.filter
def state_label(value: str) -> str:
    """The translated label of a workflow state code ("in_review" -> "In review")."""
    try:
        return str(PostState(value).label)
    except ValueError:
        return value
