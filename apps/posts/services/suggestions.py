"""Suggestions: a proposed replacement of a range of the text, accepted (applied as a new revision)
or rejected by someone who can edit the post."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.errors import Conflict, Forbidden, InvalidInput
from apps.core.services import audit_log
from apps.notifications.models import Kind

from .. import alerts, events
from ..access import require_comment, require_view
from ..anchors import anchor_apply, anchor_relocate
from ..document import document_replace_range
from ..models import Post, Suggestion, SuggestionState
from ..selectors import post_current_body
from .comments import clean_relative, resolve_anchor
from .posts import post_update


@transaction.atomic
def suggestion_create(
    *,
    post: Post,
    user: User,
    replacement: str,
    start: int | None = None,
    end: int | None = None,
    quote: str | None = None,
    prefix: str = "",
    suffix: str = "",
    note: str = "",
    relative: dict[str, Any] | None = None,
) -> Suggestion:
    require_comment(user=user, post=post)
    relative = clean_relative(relative)
    anchor = resolve_anchor(post=post, start=start, end=end, quote=quote, prefix=prefix, suffix=suffix)
    if anchor is None:
        raise InvalidInput({"quote": [_("Select the text you want to replace.")]})
    replacement = replacement or ""
    if replacement == anchor.quote:
        raise InvalidInput({"replacement": [_("The replacement is the same as the current text.")]})
    if len(replacement) > 10_000:
        raise InvalidInput({"replacement": [_("The replacement is too long.")]})
    suggestion = Suggestion(post=post, author=user, replacement=replacement, note=(note or "")[:2000])
    anchor_apply(item=suggestion, anchor=anchor)
    suggestion.anchor_relative = relative
    suggestion.save()
    audit_log(actor=user, action="suggestion.create", target=post, data={"suggestion": suggestion.pk})
    alerts.tell(
        kind=Kind.POST_SUGGESTION,
        post=post,
        actor=user,
        recipients=[post.author, post.assignee],
        about=f"suggestion:{suggestion.pk}",
        params={"old": anchor.quote[:80], "new": replacement[:80]},
    )
    events.suggestion_event(suggestion, "created")
    return suggestion


def _decide_check(*, suggestion: Suggestion, user: User) -> None:
    access = require_view(user=user, post=suggestion.post)
    if not access.can_decide_suggestions:
        raise Forbidden(_("Only people who can edit this post can accept or reject suggestions."))
    if suggestion.state != SuggestionState.PENDING:
        raise Conflict(_("This suggestion was already %(state)s.") % {"state": suggestion.get_state_display().lower()})


@transaction.atomic
def suggestion_accept(*, suggestion: Suggestion, user: User) -> Suggestion:
    """Apply the replacement to the current text (a new revision) and close the suggestion."""
    _decide_check(suggestion=suggestion, user=user)
    post = Post.objects.select_for_update().get(pk=suggestion.post_id)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != SuggestionState.PENDING:
        raise Conflict(_("This suggestion was already decided."))
    body, _html, text = post_current_body(post=post)
    anchor_relocate(text=text, item=suggestion)
    if suggestion.anchor_lost or suggestion.anchor_start is None or suggestion.anchor_end is None:
        raise Conflict(_("The suggested text is no longer in the post; reject the suggestion instead."))
    doc = document_replace_range(body, suggestion.anchor_start, suggestion.anchor_end, suggestion.replacement)
    post_update(
        post=post,
        user=user,
        expected_version=None,
        body_json=doc,
        base_json=body,
        reason=_("Accepted suggestion by %(user)s") % {"user": suggestion.author or "?"},
    )
    suggestion.state = SuggestionState.ACCEPTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save()
    audit_log(actor=user, action="suggestion.accept", target=post, data={"suggestion": suggestion.pk})
    if suggestion.author is not None:
        alerts.tell(
            kind=Kind.SUGGESTION_ACCEPTED,
            post=post,
            actor=user,
            recipients=[suggestion.author],
            about=f"suggestion:{suggestion.pk}:decided",
        )
    events.suggestion_event(suggestion, SuggestionState.ACCEPTED)
    return suggestion


@transaction.atomic
def suggestion_reject(*, suggestion: Suggestion, user: User, note: str = "") -> Suggestion:
    _decide_check(suggestion=suggestion, user=user)
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.state != SuggestionState.PENDING:
        raise Conflict(_("This suggestion was already decided."))
    suggestion.state = SuggestionState.REJECTED
    suggestion.decided_by = user
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    audit_log(actor=user, action="suggestion.reject", target=suggestion.post, data={"suggestion": suggestion.pk})
    if suggestion.author is not None:
        alerts.tell(
            kind=Kind.SUGGESTION_REJECTED,
            post=suggestion.post,
            actor=user,
            recipients=[suggestion.author],
            about=f"suggestion:{suggestion.pk}:decided",
            params={"note": (note or "")[:500]},
        )
    events.suggestion_event(suggestion, SuggestionState.REJECTED)
    return suggestion
