"""Reads of the posts app, always scoped to what the user may see (workspace membership or a share)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core import signing
from django.db import connection
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import Membership, User, Workspace
from apps.accounts.permissions import membership_for
from apps.core.errors import Forbidden, NotFound
from apps.core.models import AuditEntry
from apps.core.params import safe_id
from apps.sources.models import Item
from apps.sources.selectors import items_for_workspace

from . import hooks
from .access import PostAccess, require_edit, require_view, share_level_from_codenames
from .document import Diff, diff_texts, render_body, text_excerpt
from .models import (
    Approval,
    Comment,
    EmailShare,
    MediaAsset,
    MediaKind,
    Post,
    PostsSettings,
    PostState,
    PostUserObjectPermission,
    Revision,
    Suggestion,
    SuggestionState,
)

LIST_RELATED = ("author", "assignee", "persona", "trend")
# Only what lists and cards show: the body is large and not needed there.
LIST_FIELDS = (
    "id", "workspace_id", "title", "excerpt", "state", "tags", "language", "due_at", "updated_at", "created_at",
    "version", "published_at", "scheduled_at",
    "author__id", "author__username", "author__display_name", "author__first_name", "author__last_name",
    "assignee__id", "assignee__username", "assignee__display_name", "assignee__first_name", "assignee__last_name",
    "persona__id", "persona__name", "trend__id", "trend__title",
)  # fmt: skip


def shared_post_ids(*, user: User) -> QuerySet[PostUserObjectPermission, Any]:
    return PostUserObjectPermission.objects.filter(user=user, permission__codename="view_shared_post").values(
        "content_object_id"
    )


def posts_for_user(
    *,
    user: User | AnonymousUser,
    workspace: Workspace,
    filters: dict[str, Any] | None = None,
    membership: Membership | None = None,
) -> QuerySet[Post]:
    """The posts of the workspace (for its members) plus those shared with the user, filtered by
    state, assignee ("me", "none" or an id), author, persona, trend, tag and a text search."""
    if not isinstance(user, User):  # anonymous
        return Post.objects.none()
    if membership is not None and membership.user_id == user.pk and membership.workspace_id == workspace.pk:
        member = True  # the request already looked it up
    else:
        member = membership_for(user=user, workspace=workspace) is not None
    scope = Q(pk__in=shared_post_ids(user=user))
    if member:
        scope = Q(workspace=workspace) | scope
    queryset: QuerySet[Post] = Post.objects.filter(scope)
    filters = filters or {}
    if state := filters.get("state"):
        states = [s for s in (state if isinstance(state, list) else str(state).split(",")) if s in PostState.values]
        queryset = queryset.filter(state__in=states)
    assignee = filters.get("assignee")
    if assignee == "me":
        queryset = queryset.filter(assignee=user)
    elif assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif (assignee_id := safe_id(assignee)) is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    for name in ("author", "persona", "trend"):
        value = filters.get(name)
        if value == "me" and name == "author":
            queryset = queryset.filter(author=user)
        elif (value_id := safe_id(value)) is not None:
            queryset = queryset.filter(**{f"{name}_id": value_id})
    if tag := filters.get("tag"):
        queryset = queryset.filter(tags__contains=[str(tag)])
    if search := (filters.get("search") or filters.get("q") or "").strip():
        queryset = text_search(queryset, search[:200])
    return queryset.select_related(*LIST_RELATED).only(*LIST_FIELDS).order_by("-updated_at", "-id")


# PostgreSQL text-search configuration per post language; others use "simple" (no stemming).
SEARCH_CONFIGS = {"en": "english", "ru": "russian"}


def text_search(queryset: QuerySet[Post], search: str) -> QuerySet[Post]:
    """Posts whose title or text match: on PostgreSQL full-text search in each post's own language
    (so "publishing" finds "published", "статьи" finds "статья"), plus a plain substring match; on
    SQLite the substring match alone."""
    plain = Q(title__icontains=search) | Q(body_text__icontains=search)
    if connection.vendor != "postgresql":
        return queryset.filter(plain)
    config = Case(
        *[When(language=code, then=Value(name)) for code, name in SEARCH_CONFIGS.items()],
        default=Value("simple"),
        output_field=CharField(),
    )
    vector = SearchVector("title", weight="A", config=config) + SearchVector("body_text", weight="B", config=config)
    query = SearchQuery(search, config=config, search_type="websearch")
    return queryset.annotate(_search=vector).filter(Q(_search=query) | plain)


def post_for_user(*, user: User | AnonymousUser, pk: Any, for_update: bool = False) -> Post:
    """The post if the user may see it; 404 otherwise (outsiders never learn that it exists)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Not found.")) from None
    queryset = Post.objects.select_related(*LIST_RELATED, "workspace", "featured_media")
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    post = queryset.filter(pk=pk).first()
    if post is None:
        raise NotFound(_("Not found."))
    require_view(user=user, post=post)
    return post


def post_access_for(*, user: User | AnonymousUser, post: Post) -> PostAccess:
    return require_view(user=user, post=post)


@dataclass
class BoardColumn:
    state: str
    label: str
    posts: list[Post]
    count: int

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.posts))


def board_columns(
    *,
    user: User | AnonymousUser,
    workspace: Workspace,
    filters: dict[str, Any] | None = None,
    per_column: int = 50,
    membership: Membership | None = None,
) -> list[BoardColumn]:
    """One column per state with the newest posts of each (two queries whatever the number of posts)."""
    queryset = posts_for_user(user=user, workspace=workspace, filters=filters, membership=membership)
    counts = dict(queryset.order_by().values_list("state").annotate(n=Count("id")))
    ranked = queryset.annotate(
        rank=Window(RowNumber(), partition_by=[F("state")], order_by=[F("updated_at").desc(), F("id").desc()])
    ).filter(rank__lte=per_column)
    by_state: dict[str, list[Post]] = {state: [] for state in PostState.values}
    for post in ranked:
        by_state[post.state].append(post)
    return [
        BoardColumn(state=state, label=str(label), posts=by_state[state], count=counts.get(state, 0))
        for state, label in PostState.choices
    ]


def revisions_for_post(*, post: Post) -> QuerySet[Revision]:
    return (
        Revision.objects.filter(post=post)
        .select_related("author")
        .defer("body_json", "body_html", "body_text")
        .order_by("-number")
    )


def revision_for_post(*, post: Post, number: Any) -> Revision:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("No such revision.")) from None
    revision = Revision.objects.select_related("author").filter(post=post, number=number).first()
    if revision is None:
        raise NotFound(_("No such revision."))
    return revision


@dataclass
class RevisionDiff:
    old: Revision
    new: Revision
    title: Diff
    body: Diff


def revision_diff(*, post: Post, old: Any, new: Any) -> RevisionDiff:
    """The word-by-word difference between two revisions of the post (in either order)."""
    a = revision_for_post(post=post, number=old)
    b = revision_for_post(post=post, number=new)
    return RevisionDiff(old=a, new=b, title=diff_texts(a.title, b.title), body=diff_texts(a.body_text, b.body_text))


def comment_threads(*, post: Post, include_resolved: bool = True) -> QuerySet[Comment]:
    """Root comments with their replies, authors and mentions (three queries)."""
    replies = Comment.objects.select_related("author").order_by("created_at", "id")
    queryset = (
        Comment.objects.filter(post=post, parent__isnull=True)
        .select_related("author", "resolved_by")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("resolved_at", "anchor_start", "created_at")
    )
    if not include_resolved:
        queryset = queryset.filter(resolved_at__isnull=True)
    return queryset


def comment_for_user(*, user: User | AnonymousUser, post: Post, pk: Any) -> Comment:
    require_view(user=user, post=post)
    comment = (
        Comment.objects.select_related("post", "parent", "author").filter(post=post, pk=pk).first()
        if safe_id(pk) is not None
        else None
    )
    if comment is None:
        raise NotFound(_("No such comment."))
    return comment


def suggestions_for_post(*, post: Post, state: str | None = None) -> QuerySet[Suggestion]:
    queryset = Suggestion.objects.filter(post=post).select_related("author", "decided_by").order_by("created_at")
    if state in SuggestionState.values:
        queryset = queryset.filter(state=state)
    return queryset


def suggestion_for_user(*, user: User | AnonymousUser, post: Post, pk: Any) -> Suggestion:
    require_view(user=user, post=post)
    suggestion = (
        Suggestion.objects.select_related("post", "author").filter(post=post, pk=pk).first()
        if safe_id(pk) is not None
        else None
    )
    if suggestion is None:
        raise NotFound(_("No such suggestion."))
    return suggestion


def audit_for_post(*, post: Post, limit: int = 200) -> list[AuditEntry]:
    content_type = ContentType.objects.get_for_model(Post)
    return list(
        AuditEntry.objects.filter(target_type=content_type, target_id=str(post.pk)).select_related("actor")[:limit]
    )


def post_shares(*, post: Post) -> list[dict[str, Any]]:
    """Who the post is shared with and at which level: people shared with by username, then the
    e-mail shares by address (each "invited", whether or not the address has an account)."""
    rows = PostUserObjectPermission.objects.filter(content_object=post).select_related("user", "permission")
    by_user: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = by_user.setdefault(row.user_id, {"user": row.user, "codenames": set()})
        entry["codenames"].add(row.permission.codename)
    # Who an e-mail share reached is not shown: its row (by the address as typed) looks the same
    # whether or not the address has an account.
    email_shares = list(EmailShare.objects.filter(post=post).order_by("email", "pk"))
    reached = {share.user_id for share in email_shares if share.user_id is not None}
    out: list[dict[str, Any]] = []
    for user_id, entry in by_user.items():
        level = share_level_from_codenames(entry["codenames"])
        if level and user_id not in reached:
            out.append({"user": entry["user"], "level": level})
    out.sort(key=lambda e: e["user"].username)
    out += [
        {"user": None, "level": share.level, "email": share.email, "share_id": share.pk, "state": "invited"}
        for share in email_shares
    ]
    return out


def posts_settings(*, workspace: Workspace) -> PostsSettings:
    return PostsSettings.objects.filter(workspace=workspace).first() or PostsSettings(workspace=workspace)


def approvals_for_round(*, post: Post) -> list[Approval]:
    return list(post.approvals.filter(review_round=post.review_round).select_related("user"))


def post_live_document(*, post: Post) -> dict[str, Any] | None:
    """The post's text as its live shared document holds it now, or None if it has none."""
    for hook in hooks.get_hooks("live_body"):
        live: dict[str, Any] | None = hook(post=post)
        if live is not None:
            return live
    return None


def post_current_body(*, post: Post) -> tuple[dict[str, Any], str, str]:
    """The post's body (document, HTML, plain text) as it is now: the live shared document when
    people edit it live (the saved body catches up only at snapshots), else the saved body."""
    live = post_live_document(post=post)
    if live is None:
        return post.body_json, post.body_html, post.body_text
    return render_body(body_json=live)


# --- media and sources for the editor -----------------------------------------------------------------

# Images in a post's text are addressed by a signed id, not by their storage URL: a signed S3 URL
# expires, and a storage path would be the same for every reader. The signature makes the address
# unguessable while the post is a draft, and it never changes, so published HTML keeps working.
MEDIA_SIGNER_SALT = "posts.media-asset"


def media_asset_path(*, asset: MediaAsset) -> str:
    """The stable address of an asset's file (it redirects to the storage's current URL)."""
    token = signing.Signer(salt=MEDIA_SIGNER_SALT).sign(str(asset.pk))
    return reverse("posts:media-file", args=[token])


def media_asset_for_token(*, token: str) -> MediaAsset:
    try:
        pk = int(signing.Signer(salt=MEDIA_SIGNER_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise NotFound(_("Not found.")) from None
    asset: MediaAsset | None = MediaAsset.objects.filter(pk=pk).exclude(file="").first()
    if asset is None:
        raise NotFound(_("Not found."))
    return asset


def post_images(*, user: User | AnonymousUser, post: Post) -> list[MediaAsset]:
    """The images a person editing the post may put in its text: its own (uploaded or generated) and
    its featured image, newest first."""
    require_edit(user=user, post=post)
    images = list(
        MediaAsset.objects.filter(post=post, workspace_id=post.workspace_id)
        .filter(Q(kind=MediaKind.IMAGE) | Q(mime_type__startswith="image/"))
        .exclude(file="")
        .order_by("-created_at", "-id")
    )
    featured = post.featured_media
    is_image = featured is not None and (featured.kind == MediaKind.IMAGE or featured.mime_type.startswith("image/"))
    if featured is not None and is_image and featured.file and featured.pk not in {i.pk for i in images}:
        images.insert(0, featured)
    return images


def post_source_items(*, user: User | AnonymousUser, post: Post, q: str = "", limit: int = 20) -> list[Item]:
    """Items of the post's workspace's sources to quote in its text, best match (or newest) first.
    Only members who may edit the post: a guest editor does not see the workspace's sources."""
    access = require_edit(user=user, post=post)
    if access.membership is None:
        raise Forbidden(_("Only members of the workspace can quote its sources."))
    return list(items_for_workspace(workspace=post.workspace_id, q=q)[:limit])


def source_item_card(*, item: Item) -> dict[str, Any]:
    """What a quote card of the item shows (the attributes of a sourceQuote node)."""
    return {
        "itemId": item.pk,
        "url": item.url or item.canonical_url,
        "title": item.title,
        "source": item.source.name,
        "excerpt": text_excerpt(item.text, 280),
    }
