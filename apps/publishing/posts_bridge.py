"""The one place where publishing moves a post through the posts app's workflow
(apps.posts.services.workflow): scheduling goes through its "schedule" action, so the Publisher-role
check, audit entry, notifications and events happen there; when every publication of a post has gone
out, post_publish_due marks the post published as the system."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.posts.models import Post, PostState
from apps.posts.services.workflow import post_publish_due, post_transition

SCHEDULABLE_STATES = (PostState.APPROVED, PostState.SCHEDULED, PostState.PUBLISHED)


def post_mark_scheduled(*, post: Post, user, publish_at: dt.datetime) -> None:
    """An approved post becomes scheduled (publish-now too: its publications are about to go out)."""
    if post.state != PostState.APPROVED:
        return
    # The workflow wants a time in the future; "now" is the next second.
    when = max(publish_at, timezone.now() + dt.timedelta(seconds=1))
    post_transition(post=post, user=user, action="schedule", publish_at=when)


def post_mark_published(*, post_id: int) -> None:
    """Every publication of the post went out: the post itself is published (by the system)."""
    post = Post.objects.filter(pk=post_id, state=PostState.SCHEDULED).first()
    if post is not None:
        post_publish_due(post=post)
