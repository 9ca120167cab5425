"""The one place where publishing moves a post through the posts app's workflow.

The posts app owns the state machine (apps.posts.services.workflow.post_transition). When that service
is present it is used, so permission checks, audit entries and events happen there; when it is not
(older trees), the state is written directly with an audit entry."""

from __future__ import annotations

from django.utils import timezone

from apps.core.services import audit_log
from apps.posts.models import Post, PostState

SCHEDULABLE_STATES = (PostState.APPROVED, PostState.SCHEDULED, PostState.PUBLISHED)


def _workflow_transition():
    try:
        from apps.posts.services.workflow import post_transition
    except ImportError:
        return None
    return post_transition


def post_mark_scheduled(*, post: Post, user, publish_at) -> None:
    if post.state != PostState.APPROVED:
        return
    transition = _workflow_transition()
    if transition is not None:
        transition(post=post, user=user, action="schedule", publish_at=publish_at)
        return
    Post.objects.filter(pk=post.pk).update(state=PostState.SCHEDULED, due_at=publish_at)
    audit_log(actor=user, action="post.schedule", target=post, data={"publish_at": publish_at.isoformat()})


def post_mark_published(*, post_id: int, user=None) -> None:
    """Every publication of the post went out: the post itself is published."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.state not in (PostState.SCHEDULED, PostState.APPROVED):
        return
    transition = _workflow_transition()
    if transition is not None:
        transition(post=post, user=user, action="publish", system=True)
        return
    now = timezone.now()
    Post.objects.filter(pk=post.pk, state=post.state).update(state=PostState.PUBLISHED, published_at=now)
    audit_log(actor=None, action="post.publish", target=post, data={"by": "publishing"})
