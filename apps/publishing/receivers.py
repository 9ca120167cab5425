"""Reactions to the posts app's workflow (it does not know about publishing)."""

from __future__ import annotations

UNPUBLISHABLE = {"draft", "in_review", "changes_requested", "archived"}


def _on_post_transitioned(sender, *, post=None, to_state=None, **kwargs):
    if post is None or to_state not in UNPUBLISHABLE:
        return
    from .services import publications_cancel_for_post

    publications_cancel_for_post(post_id=post.pk, reason=f"post moved to {to_state}")


def connect() -> None:
    try:
        from apps.posts.signals import post_transitioned
    except ImportError:
        return
    post_transitioned.connect(_on_post_transitioned, dispatch_uid="publishing.cancel_on_post_transition")
