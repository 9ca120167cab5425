"""Writes of the posts app. Import from here: apps.posts.services.post_create(...), etc."""

from ..transitions import TRANSITIONS, allowed_transitions
from .comments import comment_create, comment_delete, comment_reopen, comment_reply, comment_resolve, comment_update
from .notifications import notification_mark_read, notifications_mark_all_read, notify
from .posts import (
    UNSET,
    post_create,
    post_share,
    post_share_by_login,
    post_unshare,
    post_update,
    posts_settings_update,
    required_approvals_for,
    revision_restore,
    user_by_login,
)
from .suggestions import suggestion_accept, suggestion_create, suggestion_reject
from .workflow import (
    ACTIONS,
    post_approve,
    post_archive,
    post_back_to_draft,
    post_publish,
    post_publish_due,
    post_request_changes,
    post_schedule,
    post_submit,
    post_transition,
    post_unpublish,
)

__all__ = [
    "ACTIONS",
    "TRANSITIONS",
    "UNSET",
    "allowed_transitions",
    "comment_create",
    "comment_delete",
    "comment_reopen",
    "comment_reply",
    "comment_resolve",
    "comment_update",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notify",
    "post_approve",
    "post_archive",
    "post_back_to_draft",
    "post_create",
    "post_publish",
    "post_publish_due",
    "post_request_changes",
    "post_schedule",
    "post_share",
    "post_share_by_login",
    "post_submit",
    "post_transition",
    "post_unpublish",
    "post_unshare",
    "post_update",
    "posts_settings_update",
    "required_approvals_for",
    "revision_restore",
    "suggestion_accept",
    "suggestion_create",
    "suggestion_reject",
    "user_by_login",
]
