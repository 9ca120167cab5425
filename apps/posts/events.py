"""The posts app's live events (see apps.core.realtime): their groups and their messages.

Groups: posts.post.<id> (the post page), posts.workspace.<id> (the board), access.post.<id> and
access.workspace.<id> (apps.posts.access_events). A person's notifications are apps.notifications.events'."""

from __future__ import annotations

from apps.core.realtime import Event, fields, send_on_commit

_ID = {"type": "integer"}
_TEXT = {"type": "string"}


def post_group(post_id: int) -> str:
    return f"posts.post.{post_id}"


def workspace_group(workspace_id: int) -> str:
    return f"posts.workspace.{workspace_id}"


def workspace_access_group(workspace_id: int) -> str:
    return f"access.workspace.{workspace_id}"


def post_access_group(post_id: int) -> str:
    return f"access.post.{post_id}"


POST_SAVED = Event("post.saved", fields({"post_id": _ID, "version": _ID, "revision": {"type": ["integer", "null"]}}))
POST_CHANGED = Event("post.changed", fields({"post_id": _ID, "state": _TEXT}, {"action": _TEXT}))
POST_TRANSITIONED = Event("post.transitioned", fields({"post_id": _ID, "state": _TEXT, "action": _TEXT}))
POST_COMMENT = Event("post.comment", fields({"event": _TEXT, "comment_id": _ID, "thread_id": _ID}))
POST_SUGGESTION = Event("post.suggestion", fields({"event": _TEXT, "suggestion_id": _ID}))
# Something changed that may change who may use a post: sockets re-decide (apps.posts.access_events).
ACCESS_CHANGED = Event("access.changed", fields({"group": _TEXT, "user_id": {"type": ["integer", "null"]}}))


def post_saved(post, *, revision) -> None:
    send_on_commit(
        post_group(post.pk),
        POST_SAVED.build(post_id=post.pk, version=post.version, revision=revision and revision.number),
    )


def post_changed(post, *, state: str | None = None, action: str | None = None) -> None:
    extra = {"action": action} if action else {}
    message = POST_CHANGED.build(post_id=post.pk, state=state or post.state, **extra)
    send_on_commit(workspace_group(post.workspace_id), message)


def post_transitioned(post, *, action: str, state: str | None = None) -> None:
    message = POST_TRANSITIONED.build(post_id=post.pk, state=state or post.state, action=action)
    send_on_commit(post_group(post.pk), message)


def comment_event(comment, kind: str) -> None:
    send_on_commit(
        post_group(comment.post_id),
        POST_COMMENT.build(event=kind, comment_id=comment.pk, thread_id=comment.parent_id or comment.pk),
    )


def suggestion_event(suggestion, kind: str) -> None:
    send_on_commit(post_group(suggestion.post_id), POST_SUGGESTION.build(event=kind, suggestion_id=suggestion.pk))


def access_changed(*, group: str, user_id: int | None = None) -> None:
    send_on_commit(group, ACCESS_CHANGED.build(group=group, user_id=user_id))
