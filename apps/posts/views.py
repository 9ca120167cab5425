"""Editorial pages for posts: list, board, editor, history and diff, sharing, audit log, notifications,
settings. Each view parses input, calls a selector or one service, and renders."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.permissions import require_capability, require_member
from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership, workspace_members
from apps.core.errors import Conflict
from apps.core.params import safe_id
from apps.personas.models import Persona
from apps.trends.models import Trend

from . import selectors, services
from .access import post_access
from .models import MediaAsset, PostState, ShareLevel, SuggestionState
from .transitions import TRANSITIONS, transitions_by_role

LIST_PAGE_SIZE = 50


def _workspace(request):
    return request_membership(request)


def _filters(request) -> dict:
    keys = ("state", "assignee", "author", "persona", "trend", "tag", "search")
    return {key: request.GET.get(key, "").strip() for key in keys if request.GET.get(key, "").strip()}


def _filter_context(request, membership) -> dict:
    workspace = membership.workspace
    return {
        "filters": _filters(request),
        "states": PostState.choices,
        "members": workspace_members(workspace=workspace),
        "personas": Persona.objects.filter(workspace=workspace).only("id", "name").order_by("name"),
        "trends": Trend.objects.filter(workspace=workspace).only("id", "title").order_by("-id")[:100],
    }


@login_required
def post_list(request):
    membership = _workspace(request)
    queryset = selectors.posts_for_user(
        user=request.user, workspace=membership.workspace, filters=_filters(request), membership=membership
    )
    page = Paginator(queryset, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "can_write": membership.can(Capability.WRITE),
        **_filter_context(request, membership),
    }
    return render(request, "posts/list.html", context)


@login_required
def post_board(request):
    membership = _workspace(request)
    filters = _filters(request)
    filters.pop("state", None)
    columns = selectors.board_columns(
        user=request.user, workspace=membership.workspace, filters=filters, membership=membership
    )
    # Which drops the user's role allows, by (from state, to state): the board's JS refuses the rest
    # early; the server checks again whatever the page says.
    moves: dict[str, dict[str, str]] = {}
    own_rules = {}
    for action, transition in TRANSITIONS.items():
        for source in transition.sources:
            moves.setdefault(source, {}).setdefault(transition.target, action)
        own_rules[action] = transition.rule == "own_or_edit_any"
    context = {
        "columns": columns,
        "posts_url": reverse("posts:index"),
        "moves": json.dumps(moves),
        "role_allows": json.dumps(_role_allows_for_membership(membership)),
        "own_rules": json.dumps(own_rules),
        "user_id": request.user.pk,
        "can_write": membership.can(Capability.WRITE),
        **_filter_context(request, membership),
    }
    return render(request, "posts/board.html", context)


def _role_allows_for_membership(membership) -> dict[str, dict[str, bool]]:
    by_role = transitions_by_role(membership=membership, is_owner=False)
    own = transitions_by_role(membership=membership, is_owner=True)
    return {action: {"any": by_role[action], "own": own[action]} for action in by_role}


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request):
    membership = _workspace(request)
    require_capability(user=request.user, workspace=membership.workspace, capability=Capability.WRITE)
    error = None
    if request.method == "POST":
        try:
            post = services.post_create(
                workspace=membership.workspace,
                user=request.user,
                title=request.POST.get("title", ""),
                body_html=request.POST.get("body_html", ""),
                reason=_("Created"),
            )
            return redirect("posts:detail", post.pk)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
    return render(request, "posts/new.html", {"error": error, "title_value": request.POST.get("title", "")})


def _post_context(request, post) -> dict:
    access = post_access(user=request.user, post=post)
    transitions = [(action, TRANSITIONS[action]) for action in access.transitions]
    return {
        "post": post,
        "access": access,
        # A guest with a share may belong to no workspace: the post's pages are theirs to see anyway.
        "workspace_optional": True,
        "transitions": transitions,
        "required_approvals": services.required_approvals_for(workspace_id=post.workspace_id),
        "approvals": selectors.approvals_for_round(post=post),
    }


@login_required
def post_detail(request, pk: int):
    post = selectors.post_for_user(user=request.user, pk=pk)
    context = _post_context(request, post)
    access = context["access"]
    workspace_id = post.workspace_id
    trends = list(Trend.objects.filter(workspace_id=workspace_id).only("id", "title").order_by("-id")[:100])
    if post.trend is not None and all(t.pk != post.trend_id for t in trends):
        trends.append(post.trend)
    members = workspace_members(workspace=post.workspace)
    if access.membership is None:  # a guest (per-post share) learns no one else in the workspace
        members = members.filter(user_id=post.assignee_id) if post.assignee_id else members.none()
    context.update(
        personas=Persona.objects.filter(workspace_id=workspace_id).only("id", "name").order_by("name"),
        trends=trends,
        members=members,
        language_choices=settings.LANGUAGES,
        media=MediaAsset.objects.filter(post=post, kind="image").only("id", "alt_text", "file"),
        threads=selectors.comment_threads(post=post),
        suggestions=selectors.suggestions_for_post(post=post, state=SuggestionState.PENDING),
        editor_config=(
            {
                "postId": post.pk,
                "version": post.version,
                "editable": access.can_edit,
                "canComment": access.can_comment,
                "canDecide": access.can_decide_suggestions,
                "apiUrl": reverse("api:post-detail", args=[post.pk]),
                "commentsUrl": reverse("api:post-comments", args=[post.pk]),
                "suggestionsUrl": reverse("api:post-suggestions", args=[post.pk]),
                "imagesUrl": reverse("api:post-images", args=[post.pk]),
                "sourceItemsUrl": reverse("api:post-source-items", args=[post.pk]),
                "userId": request.user.pk,
            }
        ),
        body_json=post.body_json,
    )
    return render(request, "posts/detail.html", context)


@login_required
@require_POST
def post_transition(request, pk: int, action: str):
    """The workflow buttons (work without JavaScript too)."""
    post = selectors.post_for_user(user=request.user, pk=pk)
    kwargs = {"note": request.POST.get("note", "")}
    if action == "schedule":
        kwargs["publish_at"] = request.POST.get("publish_at", "")
    try:
        post = services.post_transition(post=post, user=request.user, action=action, **kwargs)
        messages.success(request, _("Done: the post is now %(state)s.") % {"state": post.get_state_display()})
    except PermissionDenied as exc:
        messages.error(request, _("Not moved: %(reason)s") % {"reason": str(exc) or _("your role may not do this.")})
    except (Conflict, ValidationError) as exc:
        reason = exc.message if isinstance(exc, Conflict) else "; ".join(exc.messages)
        messages.error(request, _("Not moved: %(reason)s") % {"reason": reason})
    return HttpResponseRedirect(reverse("posts:detail", args=[pk]))


@login_required
def post_history(request, pk: int):
    post = selectors.post_for_user(user=request.user, pk=pk)
    revisions = list(selectors.revisions_for_post(post=post))
    diff = None
    old, new = request.GET.get("from"), request.GET.get("to")
    if not (old and new) and len(revisions) >= 2:
        old, new = str(revisions[1].number), str(revisions[0].number)
    if old and new:
        diff = selectors.revision_diff(post=post, old=old, new=new)
    context = _post_context(request, post)
    # The audit history (who did what, review notes) is for members; guests see the revisions only.
    audit = selectors.audit_for_post(post=post, limit=100) if context["access"].membership is not None else None
    context.update(revisions=revisions, diff=diff, audit=audit)
    return render(request, "posts/history.html", context)


@login_required
def revision_detail(request, pk: int, number: int):
    post = selectors.post_for_user(user=request.user, pk=pk)
    revision = selectors.revision_for_post(post=post, number=number)
    context = _post_context(request, post)
    context["revision"] = revision
    return render(request, "posts/revision.html", context)


@login_required
@require_POST
def revision_restore(request, pk: int, number: int):
    post = selectors.post_for_user(user=request.user, pk=pk)
    revision = selectors.revision_for_post(post=post, number=number)
    try:
        created = services.revision_restore(post=post, user=request.user, revision=revision)
        messages.success(
            request,
            _("Restored revision #%(old)s as revision #%(new)s.") % {"old": revision.number, "new": created.number},
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("posts:history", pk)


@login_required
@require_http_methods(["GET", "POST"])
def post_sharing(request, pk: int):
    post = selectors.post_for_user(user=request.user, pk=pk)
    access = post_access(user=request.user, post=post)
    if request.method == "POST":
        try:
            if request.POST.get("remove_email"):
                share_id = safe_id(request.POST["remove_email"])
                services.email_share_remove(post=post, user=request.user, share_id=share_id)
                messages.success(request, _("Stopped sharing by e-mail."))
            elif request.POST.get("remove"):
                target = services.user_by_login(request.POST["remove"])
                if target is not None:
                    services.post_unshare(post=post, user=request.user, target_user=target)
                    messages.success(request, _("Stopped sharing with %(user)s.") % {"user": target})
            else:
                login, level = request.POST.get("user", "").strip(), request.POST.get("level", "")
                target = services.post_share_by_login(post=post, user=request.user, login=login, level=level)
                # By address: the same words whether or not it has an account.
                messages.success(
                    request,
                    _("Shared with %(user)s as %(level)s.")
                    % {"user": target or login[:254], "level": ShareLevel(level).label},
                )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return redirect("posts:share", pk)
    context = _post_context(request, post)
    context.update(shares=selectors.post_shares(post=post), levels=ShareLevel.choices, can_share=access.can_share)
    return render(request, "posts/share.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def posts_settings(request):
    membership = _workspace(request)
    require_member(user=request.user, workspace=membership.workspace)
    can_manage = membership.can(Capability.MANAGE_WORKSPACE)
    if request.method == "POST":
        try:
            value = int(request.POST.get("required_approvals", "1"))
        except ValueError:
            value = 0
        try:
            services.posts_settings_update(workspace=membership.workspace, user=request.user, required_approvals=value)
            messages.success(request, _("Settings saved."))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        return redirect("posts:settings")
    context = {"settings_row": selectors.posts_settings(workspace=membership.workspace), "can_manage": can_manage}
    return render(request, "posts/settings.html", context)


@require_http_methods(["GET", "HEAD"])
def media_asset_file(request, token: str):
    """An image of a post's text, for anyone who has its (signed) address: readers of the published
    page too. It redirects to the storage's URL of the moment (signed S3 URLs expire), so the browser
    may keep the redirect only a little while."""
    asset = selectors.media_asset_for_token(token=token)
    response = HttpResponseRedirect(asset.file.url)
    response["Cache-Control"] = "public, max-age=300"
    return response
