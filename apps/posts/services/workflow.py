"""The editorial workflow: one action per transition. Each checks the role, changes the state under a
row lock, writes the audit log, notifies the people concerned, runs the "transition" hooks (posts/hooks.py)
inside the transaction and sends the post_transitioned signal after commit.

draft -> in_review -> changes_requested | approved -> scheduled -> published -> archived, plus unpublish.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Capability
from apps.accounts.selectors import members_with_capability
from apps.core.errors import Conflict, Forbidden, InvalidInput
from apps.core.services import audit_log

from .. import alerts, events, hooks
from ..access import PostAccess, forget_access, require_view
from ..models import Approval, Post, PostState
from ..signals import post_transitioned
from ..transitions import (
    TRANSITIONS,
    Transition,
    WorkflowAction,
    role_allows,
)
from .posts import required_approvals_for


def _check(*, post: Post, user: User, action: str) -> tuple[PostAccess, Transition]:
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise InvalidInput({"action": [_("Unknown workflow action: %(action)s.") % {"action": action[:40]}]})
    access = require_view(user=user, post=post)
    if access.membership is None:
        raise Forbidden(_("Only members of the post's workspace can change its workflow state."))
    if not role_allows(access, transition):
        raise Forbidden(str(transition.refused) % {"role": access.role_label})
    return access, transition


def _people(post: Post) -> list[User]:
    return [user for user in (post.author, post.assignee) if user is not None]


def _apply(
    *,
    post: Post,
    user: User,
    action: str,
    note: str = "",
    options: dict[str, Any] | None = None,
    mutate: Callable[[Post], dict[str, Any]] | None = None,
    recipients: Callable[[Post], list[User]] | None = None,
) -> Post:
    access, transition = _check(post=post, user=user, action=action)
    options = options or {}
    with transaction.atomic():
        locked = Post.objects.select_for_update(of=("self",)).select_related("author", "assignee").get(pk=post.pk)
        if locked.state not in transition.sources:
            raise Conflict(
                _("Cannot %(action)s a post that is %(state)s.")
                % {"action": str(transition.label).lower(), "state": locked.get_state_display().lower()}
            )
        from_state = locked.state
        extra = mutate(locked) if mutate else {}
        target = extra.pop("_state", transition.target)
        locked.state = target
        locked.save()
        data = {"from": from_state, "to": target, **({"note": note} if note else {}), **extra}
        audit_log(actor=user, action=f"post.{action}", target=locked, data=data)
        _transition_notify(locked, user=user, action=action, note=note, params=extra, recipients=recipients)
        for hook in hooks.get_hooks("transition"):
            hook(post=locked, user=user, action=action, from_state=from_state, to_state=target, options=options)
        events.post_changed(locked, state=target, action=action)
        events.post_transitioned(locked, state=target, action=action)
        transaction.on_commit(
            lambda: post_transitioned.send(
                sender=Post,
                post=locked,
                user=user,
                action=action,
                from_state=from_state,
                to_state=target,
                options=options,
            )
        )
    # Keep the caller's instance current.
    for field in ("state", "published_at", "scheduled_at", "review_round", "updated_at"):
        setattr(post, field, getattr(locked, field))
    forget_access(post)
    forget_access(locked)
    return locked


def _transition_notify(
    post: Post,
    *,
    user: User,
    action: str,
    note: str,
    params: dict[str, Any],
    recipients: Callable[[Post], list[User]] | None,
) -> None:
    """Tell the people concerned (the author and assignee unless the action names others)."""
    alerts.tell(
        kind=alerts.ACTION_KINDS[action],
        post=post,
        actor=user,
        recipients=(recipients or _people)(post),
        about=f"{action}:{user.pk}",
        params={**params, **({"note": note[:500]} if note else {})},
    )


def post_submit(*, post: Post, user: User, note: str = "") -> Post:
    def mutate(p: Post) -> dict[str, Any]:
        p.review_round += 1
        return {"round": p.review_round}

    def reviewers(p: Post) -> list[User]:
        return members_with_capability(workspace_id=p.workspace_id, capability=Capability.REVIEW) + _people(p)

    return _apply(
        post=post,
        user=user,
        action=WorkflowAction.SUBMIT,
        note=note,
        mutate=mutate,
        recipients=reviewers,
    )


def post_approve(*, post: Post, user: User, note: str = "") -> Post:
    """Approve; in a workspace that requires two approvals the post stays in review until a second,
    different reviewer approves the same review round."""
    access, _transition = _check(post=post, user=user, action=WorkflowAction.APPROVE)
    membership = access.membership
    if (
        access.is_owner
        and post.author_id == user.pk
        and (membership is None or not membership.can(Capability.MANAGE_WORKSPACE))
    ):
        raise Forbidden(_("You cannot approve your own post; ask another editor."))
    required = required_approvals_for(workspace_id=post.workspace_id)

    def mutate(p: Post) -> dict[str, Any]:
        try:
            with transaction.atomic():
                Approval.objects.create(post=p, user=user, review_round=p.review_round, note=note)
        except IntegrityError:
            raise Conflict(_("You have already approved this post in this review round.")) from None
        count = Approval.objects.filter(post=p, review_round=p.review_round).count()
        if count < required:
            return {"_state": PostState.IN_REVIEW, "approvals": count, "required": required}
        return {"approvals": count, "required": required}

    def recipients(p: Post) -> list[User]:
        people = _people(p)
        if p.state == PostState.APPROVED:
            people += members_with_capability(workspace_id=p.workspace_id, capability=Capability.PUBLISH)
        return people

    return _apply(
        post=post,
        user=user,
        action=WorkflowAction.APPROVE,
        note=note,
        mutate=mutate,
        recipients=recipients,
    )


def post_request_changes(*, post: Post, user: User, note: str = "") -> Post:
    return _apply(
        post=post,
        user=user,
        action=WorkflowAction.REQUEST_CHANGES,
        note=note,
    )


def _parse_when(value: Any) -> datetime:
    when = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if when is None:
        raise InvalidInput({"publish_at": [_("Give the date and time to publish at.")]})
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when <= timezone.now():
        raise InvalidInput({"publish_at": [_("The publication time must be in the future.")]})
    return when


def post_schedule(*, post: Post, user: User, publish_at: Any = None, note: str = "") -> Post:
    when = _parse_when(publish_at)

    def mutate(p: Post) -> dict[str, Any]:
        p.scheduled_at = when
        return {"publish_at": when.isoformat()}

    return _apply(
        post=post,
        user=user,
        action=WorkflowAction.SCHEDULE,
        note=note,
        options={"publish_at": when},
        mutate=mutate,
    )


def post_publish(*, post: Post, user: User, note: str = "") -> Post:
    def mutate(p: Post) -> dict[str, Any]:
        p.published_at = timezone.now()
        p.scheduled_at = None
        return {}

    return _apply(post=post, user=user, action=WorkflowAction.PUBLISH, note=note, mutate=mutate)


def post_unpublish(*, post: Post, user: User, note: str = "") -> Post:
    def mutate(p: Post) -> dict[str, Any]:
        p.published_at = None
        p.scheduled_at = None
        return {}

    return _apply(
        post=post,
        user=user,
        action=WorkflowAction.UNPUBLISH,
        note=note,
        mutate=mutate,
    )


def post_archive(*, post: Post, user: User, note: str = "") -> Post:
    return _apply(post=post, user=user, action=WorkflowAction.ARCHIVE, note=note)


def post_back_to_draft(*, post: Post, user: User, note: str = "") -> Post:
    def mutate(p: Post) -> dict[str, Any]:
        p.scheduled_at = None
        return {}

    return _apply(
        post=post,
        user=user,
        action=WorkflowAction.TO_DRAFT,
        note=note,
        mutate=mutate,
    )


ACTIONS: dict[str, Callable[..., Post]] = {
    "submit": post_submit,
    "approve": post_approve,
    "request_changes": post_request_changes,
    "schedule": post_schedule,
    "publish": post_publish,
    "unpublish": post_unpublish,
    "archive": post_archive,
    "to_draft": post_back_to_draft,
}


def post_transition(*, post: Post, user: User, action: str, **kwargs: Any) -> Post:
    """Run the named workflow action (the API's POST /posts/{id}/transitions/{action}/)."""
    function = ACTIONS.get(action)
    if function is None:
        raise InvalidInput({"action": [_("Unknown workflow action: %(action)s.") % {"action": str(action)[:40]}]})
    if action != "schedule":
        kwargs.pop("publish_at", None)
    return function(post=post, user=user, **kwargs)


@transaction.atomic
def post_publish_due(*, post: Post, published_at: datetime | None = None) -> bool:
    """The system publishes a scheduled post when its time has come (called by the publishing
    dispatcher). Returns False when the post is no longer scheduled."""
    locked = Post.objects.select_for_update().filter(pk=post.pk, state=PostState.SCHEDULED).first()
    if locked is None:
        return False
    locked.state = PostState.PUBLISHED
    locked.published_at = published_at or timezone.now()
    locked.scheduled_at = None
    locked.save()
    audit_log(
        actor=None,
        action="post.publish",
        target=locked,
        data={"from": PostState.SCHEDULED, "to": PostState.PUBLISHED, "system": True},
    )
    alerts.tell(
        kind=alerts.ACTION_KINDS["publish"], post=locked, actor=None, recipients=_people(locked), about="publish"
    )
    for hook in hooks.get_hooks("transition"):
        hook(
            post=locked,
            user=None,
            action=WorkflowAction.PUBLISH,
            from_state=PostState.SCHEDULED,
            to_state=PostState.PUBLISHED,
            options={},
        )
    events.post_changed(locked)
    transaction.on_commit(
        lambda: post_transitioned.send(
            sender=Post,
            post=locked,
            user=None,
            action=WorkflowAction.PUBLISH,
            from_state=PostState.SCHEDULED,
            to_state=PostState.PUBLISHED,
            options={},
        )
    )
    return True
