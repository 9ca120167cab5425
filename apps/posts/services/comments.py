"""Comment threads anchored to a range of a post's text, replies, resolve/reopen and @mentions."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Forbidden, InvalidInput
from apps.core.services import audit_log
from apps.notifications.models import Kind

from .. import alerts, events
from ..access import post_access, require_comment
from ..anchors import Anchor, anchor_apply, anchor_from_range, anchor_locate, anchor_relative_clean, anchor_relocate
from ..models import Comment, Post
from ..selectors import post_current_body

MENTION = re.compile(r"(?<![\w@])@([\w.+-]{1,150})")
MAX_COMMENT = 10_000


def resolve_anchor(
    *, post: Post, start: int | None, end: int | None, quote: str | None, prefix: str = "", suffix: str = ""
) -> Anchor | None:
    """An anchor from offsets into the post's plain text, or from the quoted text (and its context)
    as the editor saw it. None for a comment on the whole post."""
    _doc, _html, text = post_current_body(post=post)
    if quote:
        found = anchor_locate(text=text, quote=quote, prefix=prefix or "", suffix=suffix or "", hint=start)
        if found is None:
            raise InvalidInput({"quote": [_("The quoted text is not in the post any more.")]})
        return found
    if start is not None and end is not None:
        if not (0 <= start < end <= len(text)):
            raise InvalidInput({"start": [_("The range is outside the post's text.")]})
        return anchor_from_range(text=text, start=start, end=end)
    return None


def clean_relative(relative: object) -> dict[str, Any] | None:
    try:
        return anchor_relative_clean(relative)
    except ValueError as exc:
        raise InvalidInput({"relative": [_("Not a place in the live document: %(error)s") % {"error": exc}]}) from exc


def mentioned_users(*, post: Post, body: str) -> list[User]:
    """Members (or people the post is shared with) named as @username who can see the post."""
    names = {name.rstrip(".") for name in MENTION.findall(body or "")}
    if not names:
        return []
    users = get_user_model().objects.filter(username__in=names, is_active=True)
    return [user for user in users if post_access(user=user, post=post).can_view]


def _notify_mentions(*, comment: Comment, post: Post, user: User, mentions: list[User]) -> None:
    if mentions:
        comment.mentions.add(*mentions)
        alerts.tell(
            kind=Kind.POST_MENTION,
            post=post,
            actor=user,
            recipients=mentions,
            about=f"mention:{comment.pk}",
            params={"excerpt": comment.body[:200]},
        )


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput({"body": [_("Write a comment first.")]})
    if len(body) > MAX_COMMENT:
        raise InvalidInput({"body": [_("Comments are limited to %(n)s characters.") % {"n": MAX_COMMENT}]})
    return body


@transaction.atomic
def comment_create(
    *,
    post: Post,
    user: User,
    body: str,
    start: int | None = None,
    end: int | None = None,
    quote: str | None = None,
    prefix: str = "",
    suffix: str = "",
    relative: dict[str, Any] | None = None,
) -> Comment:
    """Open a thread, anchored to a range of the text (by offsets or by quote, and where it sits in
    the live document when the editor says so) or on the whole post."""
    require_comment(user=user, post=post)
    body = _clean_body(body)
    relative = clean_relative(relative)
    comment = Comment(post=post, author=user, body=body)
    anchor = resolve_anchor(post=post, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix)
    if anchor is not None:
        anchor_apply(item=comment, anchor=anchor)
        comment.anchor_relative = relative
    comment.save()
    audit_log(actor=user, action="comment.create", target=post, data={"comment": comment.pk})
    mentions = mentioned_users(post=post, body=body)
    _notify_mentions(comment=comment, post=post, user=user, mentions=mentions)
    alerts.tell(
        kind=Kind.POST_COMMENT,
        post=post,
        actor=user,
        recipients=[p for p in (post.author, post.assignee) if p is not None and p not in mentions],
        about=f"comment:{comment.pk}",
        params={"excerpt": body[:200]},
    )
    events.comment_event(comment, "created")
    return comment


@transaction.atomic
def comment_reply(*, thread: Comment, user: User, body: str) -> Comment:
    post = thread.post
    require_comment(user=user, post=post)
    if thread.parent is not None:
        thread = thread.parent
    body = _clean_body(body)
    reply = Comment.objects.create(post=post, parent=thread, author=user, body=body)
    audit_log(actor=user, action="comment.reply", target=post, data={"comment": reply.pk, "thread": thread.pk})
    mentions = mentioned_users(post=post, body=body)
    _notify_mentions(comment=reply, post=post, user=user, mentions=mentions)
    participants = {pk for pk in {thread.author_id, *thread.replies.values_list("author_id", flat=True)} if pk}
    people = [u for u in get_user_model().objects.filter(pk__in=participants) if u not in mentions]
    alerts.tell(
        kind=Kind.POST_REPLY,
        post=post,
        actor=user,
        recipients=people,
        about=f"reply:{reply.pk}",
        params={"excerpt": body[:200]},
    )
    events.comment_event(reply, "replied")
    return reply


def _require_own_or_editor(*, comment: Comment, user: User) -> None:
    access = require_comment(user=user, post=comment.post)
    if comment.author_id != user.pk and not access.can_edit:
        raise Forbidden(_("Only the comment's author or someone who can edit the post can change it."))


@transaction.atomic
def comment_update(*, comment: Comment, user: User, body: str) -> Comment:
    access = require_comment(user=user, post=comment.post)
    if comment.author_id != user.pk:
        raise Forbidden(_("Only the author can edit a comment."))
    del access
    comment.body = _clean_body(body)
    comment.save(update_fields=["body", "updated_at"])
    events.comment_event(comment, "updated")
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: User) -> None:
    _require_own_or_editor(comment=comment, user=user)
    audit_log(actor=user, action="comment.delete", target=comment.post, data={"comment": comment.pk})
    events.comment_event(comment, "deleted")
    comment.delete()


@transaction.atomic
def comment_resolve(*, comment: Comment, user: User) -> Comment:
    require_comment(user=user, post=comment.post)
    thread = comment.parent or comment
    if thread.resolved_at is None:
        thread.resolved_at = timezone.now()
        thread.resolved_by = user
        thread.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        audit_log(actor=user, action="comment.resolve", target=thread.post, data={"comment": thread.pk})
        events.comment_event(thread, "resolved")
    return thread


@transaction.atomic
def comment_reopen(*, comment: Comment, user: User) -> Comment:
    post = comment.post
    require_comment(user=user, post=post)
    thread = comment.parent or comment
    if thread.resolved_at is not None:
        thread.resolved_at = None
        thread.resolved_by = None
        # The text may have moved on while the thread was resolved.
        anchor_relocate(text=post.body_text, item=thread)
        thread.save()
        audit_log(actor=user, action="comment.reopen", target=post, data={"comment": thread.pk})
        events.comment_event(thread, "reopened")
    return thread
