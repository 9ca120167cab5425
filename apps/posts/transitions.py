"""The editorial workflow's rules: which action moves a post from which states to which, and which
role may take it. Pure data and checks, below both access.py and services/workflow.py (which applies
them)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from apps.accounts.roles import Capability

from .models import PostState

if TYPE_CHECKING:
    from apps.accounts.models import Membership

    from .access import PostAccess

OWN_OR_EDIT_ANY = "own_or_edit_any"


class WorkflowAction(StrEnum):
    """The actions of the workflow (the keys of TRANSITIONS, the names the API and the pages send)."""

    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    SCHEDULE = "schedule"
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"
    ARCHIVE = "archive"
    TO_DRAFT = "to_draft"


@dataclass(frozen=True)
class Transition:
    action: WorkflowAction
    label: Any
    sources: frozenset[str]
    target: str
    rule: str  # a Capability, or OWN_OR_EDIT_ANY
    refused: Any  # the 403 message; %(role)s is the user's role


S = PostState
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            WorkflowAction.SUBMIT,
            gettext_lazy("Submit for review"),
            frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
            S.IN_REVIEW,
            OWN_OR_EDIT_ANY,
            gettext_lazy("Your role (%(role)s) can submit only your own posts for review."),
        ),
        Transition(
            WorkflowAction.APPROVE,
            gettext_lazy("Approve"),
            frozenset({S.IN_REVIEW}),
            S.APPROVED,
            Capability.REVIEW,
            gettext_lazy("Only editors and admins can approve posts; your role is %(role)s."),
        ),
        Transition(
            WorkflowAction.REQUEST_CHANGES,
            gettext_lazy("Request changes"),
            frozenset({S.IN_REVIEW, S.APPROVED}),
            S.CHANGES_REQUESTED,
            Capability.REVIEW,
            gettext_lazy("Only editors and admins can request changes; your role is %(role)s."),
        ),
        Transition(
            WorkflowAction.SCHEDULE,
            gettext_lazy("Schedule"),
            frozenset({S.APPROVED}),
            S.SCHEDULED,
            Capability.PUBLISH,
            gettext_lazy("Only publishers and admins can schedule posts; your role is %(role)s."),
        ),
        Transition(
            WorkflowAction.PUBLISH,
            gettext_lazy("Publish now"),
            frozenset({S.APPROVED, S.SCHEDULED}),
            S.PUBLISHED,
            Capability.PUBLISH,
            gettext_lazy("Only publishers and admins can publish posts; your role is %(role)s."),
        ),
        Transition(
            WorkflowAction.UNPUBLISH,
            gettext_lazy("Unpublish"),
            frozenset({S.PUBLISHED, S.SCHEDULED}),
            S.APPROVED,
            Capability.PUBLISH,
            gettext_lazy("Only publishers and admins can unpublish posts; your role is %(role)s."),
        ),
        Transition(
            WorkflowAction.ARCHIVE,
            gettext_lazy("Archive"),
            frozenset({S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.SCHEDULED, S.PUBLISHED}),
            S.ARCHIVED,
            Capability.PUBLISH,
            gettext_lazy("Only publishers and admins can archive posts; your role is %(role)s."),
        ),
        Transition(
            WorkflowAction.TO_DRAFT,
            gettext_lazy("Back to draft"),
            frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.ARCHIVED}),
            S.DRAFT,
            OWN_OR_EDIT_ANY,
            gettext_lazy("Your role (%(role)s) can move only your own posts back to draft."),
        ),
    ]
}


def role_allows(access: PostAccess, transition: Transition) -> bool:
    return _member_may(access.membership, transition, is_owner=access.is_owner)


def _member_may(membership: Membership | None, transition: Transition, *, is_owner: bool) -> bool:
    if membership is None:
        return False
    if transition.rule == OWN_OR_EDIT_ANY:
        return membership.can(Capability.EDIT_ANY) or (membership.can(Capability.WRITE) and is_owner)
    return membership.can(transition.rule)


def allowed_transitions(*, access: PostAccess) -> list[str]:
    """Actions this person may take on the post in its current state (for buttons and the board)."""
    return [t.action for t in TRANSITIONS.values() if access.post.state in t.sources and role_allows(access, t)]


def transitions_by_role(*, membership: Membership | None, is_owner: bool) -> dict[str, bool]:
    """Every action and whether the role allows it on one's own post or on anyone's, whatever the
    state (the board's drop targets)."""
    return {action: _member_may(membership, t, is_owner=is_owner) for action, t in TRANSITIONS.items()}
