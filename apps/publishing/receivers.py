"""Reactions to the posts app's workflow (it does not know about publishing), run after its commit."""

from __future__ import annotations

from apps.posts.models import PostState
from apps.posts.signals import post_transitioned
from apps.posts.transitions import WorkflowAction

from . import services

WITHDRAWN = {PostState.DRAFT, PostState.IN_REVIEW, PostState.CHANGES_REQUESTED, PostState.ARCHIVED}


def _on_post_transitioned(sender, *, post=None, user=None, action=None, to_state=None, options=None, **kwargs):
    if post is None:
        return
    if action == WorkflowAction.UNPUBLISH:
        # Unpublishing the post takes it off every platform that can delete, and stops what is pending.
        services.publications_withdraw_for_post(post_id=post.pk, delete_published=True, reason="post unpublished")
    elif to_state in WITHDRAWN:
        services.publications_withdraw_for_post(
            post_id=post.pk, delete_published=False, reason=f"post moved to {to_state}"
        )
    elif action == WorkflowAction.SCHEDULE and (options or {}).get("publish_at"):
        # Scheduled from the post's workflow without choosing channels: it goes to the team's site.
        services.publications_default_for_post(post_id=post.pk, user=user, due_at=options["publish_at"])


def connect() -> None:
    post_transitioned.connect(_on_post_transitioned, dispatch_uid="publishing.follow_post_workflow")
