"""Writing posts: create, update (one immutable revision per save, optimistic locking), restore,
sharing one post with one person, and the workspace's editorial settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import membership_for, require_capability, require_member
from apps.accounts.roles import Capability
from apps.accounts.selectors import members_with_capability
from apps.core.errors import Conflict, Forbidden, InvalidInput
from apps.core.services import audit_log
from apps.notifications.models import Kind
from apps.personas.models import Persona
from apps.trends.models import Trend

from .. import alerts, events
from ..access import ALL_SHARE_CODENAMES, SHARE_PERMISSIONS, forget_access, require_edit, require_view
from ..anchors import ANCHOR_FIELDS, anchor_relocate
from ..document import clean_text, render_body, text_excerpt
from ..models import (
    Comment,
    EmailShare,
    MediaAsset,
    Post,
    PostsSettings,
    PostState,
    Revision,
    ShareLevel,
    Suggestion,
    SuggestionState,
)
from ..selectors import post_live_document
from ..signals import post_saved, post_transitioned


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
CONTENT_FIELDS = ("title", "body_json", "body_html", "body_text", "excerpt")
# What an approval covers: a change to these after it needs a new review.
REVIEWED_FIELDS = ("title", "body_json", "excerpt")
REVIEWED_STATES = (PostState.APPROVED, PostState.SCHEDULED)


def check_assignee_change(*, post: Post, user: User, assignee_id: int | None) -> None:
    """Only members of the workspace may change the assignee: anyone else (a guest editor with a
    per-post share) gets one Forbidden whatever the id, so the answer tells nothing about who is a
    member. Sending the current assignee back unchanged is fine."""
    if assignee_id == post.assignee_id:
        return
    if membership_for(user=user, workspace=post.workspace_id) is None:
        raise Forbidden(_("Only members of the workspace can change the assignee."))


def _check_related(
    *,
    workspace_id: int,
    persona: Persona | None = None,
    trend: Trend | None = None,
    featured_media: MediaAsset | None = None,
    assignee: User | None = None,
) -> None:
    for obj, label in ((persona, _("persona")), (trend, _("trend")), (featured_media, _("featured media"))):
        if obj is not None and obj.workspace_id != workspace_id:
            raise InvalidInput({label: [_("Not found in this workspace.")]})
    if assignee is not None and membership_for(user=assignee, workspace=workspace_id) is None:
        raise InvalidInput({"assignee": [_("The assignee must be a member of this workspace.")]})


def _revision_from(post: Post, *, user: User, reason: str) -> Revision:
    last = post.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    return Revision.objects.create(
        post=post,
        number=last + 1,
        title=post.title,
        body_json=post.body_json,
        body_html=post.body_html,
        body_text=post.body_text,
        excerpt=post.excerpt,
        author=user if getattr(user, "is_authenticated", False) else None,
        reason=(reason or "")[:200],
    )


def _relocate_anchors(post: Post) -> None:
    """Keep open comment threads and pending suggestions attached to their text after an edit."""
    comments = list(Comment.objects.filter(post=post, parent__isnull=True, resolved_at__isnull=True))
    suggestions = list(Suggestion.objects.filter(post=post, state=SuggestionState.PENDING))
    changed_comments = [c for c in comments if anchor_relocate(text=post.body_text, item=c)]
    changed_suggestions = [s for s in suggestions if anchor_relocate(text=post.body_text, item=s)]
    if changed_comments:
        Comment.objects.bulk_update(changed_comments, ANCHOR_FIELDS)
    if changed_suggestions:
        Suggestion.objects.bulk_update(changed_suggestions, ANCHOR_FIELDS)


def _after_save(
    post: Post,
    *,
    user: User,
    revision: Revision | None,
    kind: str,
    body_changed: bool,
    base_json: dict[str, Any] | None = None,
) -> None:
    events.post_saved(post, revision=revision)
    events.post_changed(post)
    transaction.on_commit(
        lambda: post_saved.send(
            sender=Post,
            post=post,
            user=user,
            revision=revision,
            kind=kind,
            body_changed=body_changed,
            base_json=base_json,
        )
    )


@transaction.atomic
def post_create(
    *,
    workspace: Workspace,
    user: User,
    title: str,
    body_json: dict[str, Any] | None = None,
    body_html: str | None = None,
    excerpt: str | None = None,
    tags: list[str] | None = None,
    language: str | None = None,
    persona: Persona | None = None,
    trend: Trend | None = None,
    featured_media: MediaAsset | None = None,
    assignee: User | None = None,
    due_at: datetime | None = None,
    reason: str = "",
) -> Post:
    """A new draft with revision 1. body_json (the editor document) wins over body_html."""
    require_capability(user=user, workspace=workspace, capability=Capability.WRITE)
    title = clean_text(title).strip()
    if not title:
        raise InvalidInput({"title": [_("A post needs a title.")]})
    _check_related(
        workspace_id=workspace.pk, persona=persona, trend=trend, featured_media=featured_media, assignee=assignee
    )
    doc, html, text = render_body(body_json=body_json, body_html=body_html)
    post = Post.objects.create(
        workspace=workspace,
        title=title[:300],
        body_json=doc,
        body_html=html,
        body_text=text,
        excerpt=clean_text(excerpt)[:2000] if excerpt is not None else text_excerpt(text),
        tags=_clean_tags(tags or []),
        language=language or getattr(user, "language", None) or "en",
        persona=persona,
        trend=trend,
        featured_media=featured_media,
        author=user,
        assignee=assignee,
        due_at=due_at,
        state=PostState.DRAFT,
        version=1,
    )
    revision = _revision_from(post, user=user, reason=reason or _("Created"))
    audit_log(actor=user, action="post.create", target=post, data={"revision": revision.number})
    if assignee is not None:
        alerts.tell(kind=Kind.POST_ASSIGNED, post=post, actor=user, recipients=[assignee], about="assigned")
    _after_save(post, user=user, revision=revision, kind="create", body_changed=True)
    return post


def _clean_tags(tags: object) -> list[str]:
    if not isinstance(tags, list):
        raise InvalidInput({"tags": [_("Tags must be a list of words.")]})
    out: list[str] = []
    for tag in tags:
        tag = clean_text(str(tag)).strip()[:50]
        if tag and tag not in out:
            out.append(tag)
    return out[:30]


@transaction.atomic
def post_update(
    *,
    post: Post,
    user: User,
    expected_version: int | None,
    title: Any = UNSET,
    body_json: Any = UNSET,
    body_html: Any = UNSET,
    excerpt: Any = UNSET,
    tags: Any = UNSET,
    language: Any = UNSET,
    persona: Any = UNSET,
    trend: Any = UNSET,
    featured_media: Any = UNSET,
    assignee: Any = UNSET,
    due_at: Any = UNSET,
    base_json: Any = UNSET,
    reason: str = "",
    reopen_review: bool = True,
) -> Post:
    """Save changes; a change to the title, body or excerpt makes a new revision. expected_version is
    the version the client edited: a stale one raises Conflict (409). None skips the check (server-side
    edits such as accepting a suggestion, which already hold the row lock).

    base_json is the document the new body was made from; a live document receives only the change
    from base to body, so what others typed meanwhile is kept. It defaults to the saved body (what a
    client that is not the live editor saw), and None makes the live document equal to the body (a
    restore).

    A change to what was approved (title, body, excerpt) of an approved or scheduled post sends it
    back to review in a new round, and what was scheduled is withdrawn; reopen_review=False is for
    the snapshot taken at a workflow change, which records what the reviewer just saw."""
    require_edit(user=user, post=post)
    locked = _locked_at_version(post=post, expected_version=expected_version)
    if body_json is UNSET and body_html is UNSET:
        # Saving the title or details of a post edited live: the new version records the live text.
        live = post_live_document(post=locked)
        if live is not None:
            body_json = base_json = live
    changes = _content_changes(locked, title=title, body_json=body_json, body_html=body_html, excerpt=excerpt)
    changes.update(
        _detail_changes(
            locked,
            user=user,
            tags=tags,
            language=language,
            persona=persona,
            trend=trend,
            featured_media=featured_media,
            assignee=assignee,
            due_at=due_at,
        )
    )
    changed = {name: value for name, value in changes.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    if base_json is UNSET:
        base_json = locked.body_json
    previous_assignee_id = locked.assignee_id
    reopened_from = _changes_save(locked, changed=changed, reopen_review=reopen_review)
    _updated(
        locked,
        user=user,
        changed=sorted(changed),
        reason=reason,
        reopened_from=reopened_from,
        previous_assignee_id=previous_assignee_id,
        base_json=base_json,
    )
    return locked


def _changes_save(locked: Post, *, changed: dict[str, Any], reopen_review: bool) -> str | None:
    """Write the changes as the next version; a change to what was approved sends the post back to
    review in a new round. Returns the state it was reopened from, if it was."""
    for name, value in changed.items():
        setattr(locked, name, value)
    locked.version += 1
    reopened_from = None
    if reopen_review and locked.state in REVIEWED_STATES and any(name in REVIEWED_FIELDS for name in changed):
        reopened_from = locked.state
        locked.state = PostState.IN_REVIEW
        locked.review_round += 1
    locked.save()
    return reopened_from


def _locked_at_version(*, post: Post, expected_version: int | None) -> Post:
    """The post's row, locked; Conflict when the client edited another version than the saved one."""
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _(
                "This post was changed by someone else (now version %(current)s, you edited %(yours)s). "
                "Reload it to get the latest text."
            )
            % {"current": locked.version, "yours": expected_version}
        )
    return locked


def _content_changes(locked: Post, *, title: Any, body_json: Any, body_html: Any, excerpt: Any) -> dict[str, Any]:
    """The title, body (in its three forms) and excerpt asked for, cleaned."""
    changes: dict[str, Any] = {}
    if title is not UNSET:
        title = clean_text(title).strip()
        if not title:
            raise InvalidInput({"title": [_("A post needs a title.")]})
        changes["title"] = title[:300]
    if body_json is not UNSET or body_html is not UNSET:
        doc, html, text = render_body(
            body_json=None if body_json is UNSET else body_json, body_html=None if body_html is UNSET else body_html
        )
        changes.update(body_json=doc, body_html=html, body_text=text)
        # An excerpt nobody wrote follows the text (also when a client sends it back unchanged).
        automatic = locked.excerpt == text_excerpt(locked.body_text)
        if automatic and (excerpt is UNSET or excerpt == locked.excerpt):
            changes["excerpt"] = text_excerpt(text)
            excerpt = UNSET
    if excerpt is not UNSET:
        changes["excerpt"] = clean_text(excerpt)[:2000]
    return changes


def _detail_changes(
    locked: Post,
    *,
    user: User,
    tags: Any,
    language: Any,
    persona: Any,
    trend: Any,
    featured_media: Any,
    assignee: Any,
    due_at: Any,
) -> dict[str, Any]:
    """The tags, language, related objects (checked to be of the post's workspace) and due date asked for."""
    changes: dict[str, Any] = {}
    if tags is not UNSET:
        changes["tags"] = _clean_tags(tags or [])
    if language is not UNSET:
        changes["language"] = language
    related = {}
    for name, value in (
        ("persona", persona),
        ("trend", trend),
        ("featured_media", featured_media),
        ("assignee", assignee),
    ):
        if value is not UNSET:
            related[name] = value
            changes[name] = value
    if "assignee" in related:
        check_assignee_change(post=locked, user=user, assignee_id=getattr(related["assignee"], "pk", None))
    _check_related(workspace_id=locked.workspace_id, **{k: v for k, v in related.items() if v is not None})
    if due_at is not UNSET:
        changes["due_at"] = due_at
    return changes


def _updated(
    locked: Post,
    *,
    user: User,
    changed: list[str],
    reason: str,
    reopened_from: str | None,
    previous_assignee_id: int | None,
    base_json: Any,
) -> None:
    """What follows a saved change: a revision when the content changed, the audit entry, the review
    reopened, the new assignee told, and the after-save work (live document, events, signals)."""
    revision = None
    if any(name in CONTENT_FIELDS for name in changed):
        revision = _revision_from(locked, user=user, reason=reason or _("Edited"))
        if "body_text" in changed:
            _relocate_anchors(locked)
    audit_log(
        actor=user,
        action="post.update",
        target=locked,
        data={"fields": changed, "version": locked.version, "revision": revision and revision.number},
    )
    if reopened_from is not None:
        _review_reopened(locked, user=user, from_state=reopened_from, fields=changed)
    if "assignee" in changed and locked.assignee_id and locked.assignee_id != previous_assignee_id:
        alerts.tell(kind=Kind.POST_ASSIGNED, post=locked, actor=user, recipients=[locked.assignee], about="assigned")
    _after_save(
        locked,
        user=user,
        revision=revision,
        kind="update",
        body_changed="body_json" in changed,
        base_json=base_json,
    )


def _review_reopened(post: Post, *, user: User, from_state: str, fields: list[str]) -> None:
    """An approved or scheduled post changed: it is in review again (a new round), and whatever was
    scheduled for it is withdrawn by the receivers of post_transitioned."""
    audit_log(
        actor=user,
        action="post.review_reopened",
        target=post,
        data={"from": from_state, "to": post.state, "round": post.review_round, "fields": fields},
    )
    alerts.tell(
        kind=Kind.REVIEW_REOPENED,
        post=post,
        actor=user,
        recipients=members_with_capability(workspace_id=post.workspace_id, capability=Capability.REVIEW)
        + [p for p in (post.author, post.assignee) if p is not None],
        about=f"review_reopened:{user.pk}",
    )
    events.post_transitioned(post, action="review_reopened")
    transaction.on_commit(
        lambda: post_transitioned.send(
            sender=Post,
            post=post,
            user=user,
            action="review_reopened",
            from_state=from_state,
            to_state=post.state,
            options={},
        )
    )


@transaction.atomic
def revision_restore(*, post: Post, user: User, revision: Revision) -> Revision:
    """Make a new revision with an old revision's content (history is never rewritten)."""
    require_edit(user=user, post=post)
    if revision.post_id != post.pk:
        raise InvalidInput({"revision": [_("That revision belongs to another post.")]})
    reason = _("Restored revision #%(number)s") % {"number": revision.number}
    before = post.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    updated = post_update(
        post=post,
        user=user,
        expected_version=None,
        title=revision.title,
        body_json=revision.body_json,
        excerpt=revision.excerpt,
        base_json=None,  # the live document becomes the revision, whatever it held
        reason=reason,
    )
    newest = updated.revisions.order_by("-number").first()
    if newest is None or newest.number == before:
        # The content already matched: still record the restore as its own revision.
        newest = _revision_from(updated, user=user, reason=reason)
    audit_log(
        actor=user,
        action="post.restore",
        target=updated,
        data={"from_revision": revision.number, "revision": newest.number},
    )
    return newest


# --- sharing -------------------------------------------------------------------------------------


def _grant(*, post: Post, target_user: User, level: str) -> None:
    for codename in ALL_SHARE_CODENAMES:
        remove_perm(f"posts.{codename}", target_user, post)
    for codename in SHARE_PERMISSIONS[ShareLevel(level)]:
        assign_perm(f"posts.{codename}", target_user, post)
    forget_access(post)


def _revoke(*, post: Post, target_user: User) -> None:
    for codename in ALL_SHARE_CODENAMES:
        remove_perm(f"posts.{codename}", target_user, post)
    forget_access(post)
    alerts.share_ended(post=post, user=target_user)


def _notify_shared(*, post: Post, user: User, target_user: User, level: str) -> None:
    alerts.tell(
        kind=Kind.POST_SHARED,
        post=post,
        actor=user,
        recipients=[target_user],
        about="shared",
        params={"level": ShareLevel(level).value},
    )


def _require_can_share(*, post: Post, user: User, level: str | None = None) -> None:
    access = require_view(user=user, post=post)
    if not access.can_share:
        raise Forbidden(_("Only the post's author, editors and admins can share this post."))
    if level is not None and level not in ShareLevel.values:
        raise InvalidInput({"level": [_("Choose viewer, commenter or editor.")]})


@transaction.atomic
def post_share(*, post: Post, user: User, target_user: User, level: str) -> str:
    """Share the post with one person as viewer, commenter or editor (replacing an earlier share)."""
    _require_can_share(post=post, user=user, level=level)
    if target_user is None or not target_user.is_active:
        raise InvalidInput({"user": [_("Unknown user.")]})
    if target_user.pk == user.pk:
        raise InvalidInput({"user": [_("You cannot share a post with yourself.")]})
    _grant(post=post, target_user=target_user, level=level)
    audit_log(actor=user, action="post.share", target=post, data={"user": target_user.pk, "level": level})
    _notify_shared(post=post, user=user, target_user=target_user, level=level)
    return level


def _verified_owner(email: str) -> User | None:
    """The active user whose verified address this is, or None."""
    row = (
        EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    owner: User | None = row.user if row is not None else None  # allauth has no type hints
    return owner


@transaction.atomic
def post_share_by_email(*, post: Post, user: User, email: str, level: str) -> EmailShare:
    """Share by e-mail address: always recorded as an e-mail share listed by the address (the same row
    whether or not it has an account). The user whose verified address it is gets access now; an
    address nobody has verified yet gets it when someone verifies it (email_share_claim)."""
    _require_can_share(post=post, user=user, level=level)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput({"user": [_("Enter a valid e-mail address.")]}) from None
    share, _created = EmailShare.objects.select_for_update().update_or_create(
        post=post, email=email, defaults={"level": level, "created_by": user}
    )
    audit_log(actor=user, action="post.share_email", target=post, data={"email": email, "level": level})
    target = share.user or _verified_owner(email)
    if target is not None and target.is_active and target.pk != user.pk:
        _grant(post=post, target_user=target, level=level)
        if share.user_id is None:
            share.user, share.accepted_at = target, timezone.now()
            share.save(update_fields=["user", "accepted_at"])
        _notify_shared(post=post, user=user, target_user=target, level=level)
    return share


@transaction.atomic
def email_share_claim(*, user: User, email: str) -> int:
    """`user` verified `email`: the e-mail shares to it that nobody claimed yet become theirs (what
    invitations to an unknown address do after signup). Returns how many were claimed."""
    if user is None or not user.is_active:
        return 0
    shares = list(
        EmailShare.objects.select_for_update(of=("self",))
        .select_related("post", "created_by")
        .filter(email__iexact=(email or "").strip(), user__isnull=True)
    )
    for share in shares:
        if share.created_by_id == user.pk:
            continue
        _grant(post=share.post, target_user=user, level=share.level)
        share.user, share.accepted_at = user, timezone.now()
        share.save(update_fields=["user", "accepted_at"])
        # Recorded on the share, not in the post's history: the sharer does not learn when it was claimed.
        audit_log(
            actor=user,
            action="post.share_email_accept",
            target=share,
            workspace=share.post.workspace,
            data={"post": share.post_id},
        )
        _notify_shared(post=share.post, user=share.created_by or user, target_user=user, level=share.level)
    return len(shares)


@transaction.atomic
def email_share_remove(*, post: Post, user: User, share_id: int | str | None) -> None:
    """Stop an e-mail share: the row goes, and so does whatever access it gave. An unknown id is a
    no-op (the same answer for every id)."""
    _require_can_share(post=post, user=user)
    share = EmailShare.objects.select_for_update().filter(post=post, pk=share_id).first() if share_id else None
    if share is None:
        return
    if share.user is not None:
        _revoke(post=post, target_user=share.user)
    audit_log(actor=user, action="post.unshare_email", target=post, data={"email": share.email})
    share.delete()


def post_share_by_login(*, post: Post, user: User, login: str, level: str) -> User | None:
    """Share by username or e-mail address. An address is recorded as an e-mail share (post_share_by_email),
    the same whether or not it has an account, so sharing reveals nothing; returns the user shared with,
    or None for an address."""
    _require_can_share(post=post, user=user, level=level)
    if "@" in (login or ""):
        post_share_by_email(post=post, user=user, email=login, level=level)
        return None
    target = user_by_login(login)
    if target is None:
        raise InvalidInput({"user": [_("No one has that username.")]})
    post_share(post=post, user=user, target_user=target, level=level)
    return target


@transaction.atomic
def post_unshare(*, post: Post, user: User, target_user: User) -> None:
    """Stop sharing with a person, also through the e-mail shares that reached them."""
    _require_can_share(post=post, user=user)
    _revoke(post=post, target_user=target_user)
    EmailShare.objects.filter(post=post, user=target_user).delete()
    audit_log(actor=user, action="post.unshare", target=post, data={"user": target_user.pk})


def user_by_login(login: str) -> User | None:
    """The active user with this username or e-mail (for the share form), or None."""
    user_model = get_user_model()
    login = (login or "").strip()
    if not login:
        return None
    return (
        user_model.objects.filter(username__iexact=login, is_active=True).first()
        or user_model.objects.filter(email__iexact=login, is_active=True).first()
    )


# --- workspace settings ----------------------------------------------------------------------------


@transaction.atomic
def posts_settings_update(*, workspace: Workspace, user: User, required_approvals: int) -> PostsSettings:
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    if required_approvals not in (1, 2):
        raise InvalidInput({"required_approvals": [_("Choose one or two approvals.")]})
    settings_row, _created = PostsSettings.objects.select_for_update().get_or_create(workspace=workspace)
    if settings_row.required_approvals != required_approvals:
        settings_row.required_approvals = required_approvals
        settings_row.save(update_fields=["required_approvals"])
        audit_log(
            actor=user,
            action="posts.settings",
            workspace=workspace,
            target=settings_row,
            data={"required_approvals": required_approvals},
        )
    return settings_row


def required_approvals_for(*, workspace_id: int) -> int:
    value = PostsSettings.objects.filter(workspace_id=workspace_id).values_list("required_approvals", flat=True).first()
    return value or 1


__all__ = [
    "UNSET",
    "post_create",
    "post_update",
    "revision_restore",
    "post_share",
    "post_share_by_login",
    "post_share_by_email",
    "email_share_claim",
    "email_share_remove",
    "check_assignee_change",
    "post_unshare",
    "posts_settings_update",
    "required_approvals_for",
    "require_member",
]
