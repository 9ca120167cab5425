"""Sources pages: the source list (add by URL with discovery, OPML), a source's detail, the item stream."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import membership_for
from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict, NotFound

from . import selectors, services
from .forms import (
    KIND_FORMS,
    AddSourceForm,
    ChooseFeedForm,
    ItemFilterForm,
    OpmlImportForm,
    RuleForm,
    SourceSettingsForm,
)
from .models import SourceStatus
from .opml import build_opml


def _workspace(request):
    return request_membership(request).workspace


def _can_manage(request, workspace) -> bool:
    membership = membership_for(user=request.user, workspace=workspace)
    return bool(membership and membership.can(Capability.MANAGE_SOURCES))


def _error_text(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _add_kind(request, workspace, kind_forms: dict):
    """POST of one of the per-kind add forms: the added source's page, or None (errors on the form)."""
    kind = request.POST.get("kind", "")
    form = KIND_FORMS[kind](request.POST, prefix=kind)
    kind_forms[kind] = form
    if not form.is_valid():
        return None
    try:
        source = services.source_add_kind(
            user=request.user,
            workspace=workspace,
            kind=kind,
            fields=form.fields_for_service(),
            name=form.cleaned_data["name"],
            fulltext=form.cleaned_data["fulltext"],
        )
    except (Conflict, ValidationError) as exc:
        form.add_error(None, _error_text(exc))
        return None
    messages.success(request, _("Added %(name)s. Its first fetch is on its way.") % {"name": source})
    return redirect("sources:detail", pk=source.pk)


@login_required
def source_list(request):
    workspace = _workspace(request)
    can_manage = _can_manage(request, workspace)
    kind_forms = {kind: form_class(prefix=kind) for kind, form_class in KIND_FORMS.items()}
    if request.method == "POST" and request.POST.get("kind") in KIND_FORMS:
        response = _add_kind(request, workspace, kind_forms)
        if response is not None:
            return response
    form = AddSourceForm(request.POST if request.method == "POST" and "kind" not in request.POST else None)
    candidates: list[dict] = []
    if form.is_bound and form.is_valid():
        try:
            result = services.source_add_by_url(
                user=request.user, workspace=workspace, url=form.cleaned_data["url"], name=form.cleaned_data["name"]
            )
        except (Conflict, ValidationError) as exc:
            form.add_error("url", _error_text(exc))
        else:
            if result.source is not None:
                messages.success(request, _("Added %(name)s. Its first fetch is on its way.") % {"name": result.source})
                return redirect("sources:detail", pk=result.source.pk)
            candidates = result.candidates
    context = _list_context(workspace=workspace, can_manage=can_manage, next_url=request.path)
    if request.GET.get("partial"):
        return render(request, "sources/_list_live.html", context)
    return render(
        request,
        "sources/list.html",
        {
            **context,
            "form": form,
            "candidates": candidates,
            "opml_form": OpmlImportForm(),
            "kind_forms": list(kind_forms.values()),
            "open_kind": request.POST.get("kind", "") if request.method == "POST" else "",
        },
    )


def _list_context(*, workspace, can_manage: bool, next_url: str) -> dict:
    """What the list's live part shows (re-read by the page when a source changes)."""
    sources: list[Any] = list(selectors.sources_for_workspace(workspace=workspace))  # with spark and counts
    sparks = selectors.items_per_day_by_source(workspace=workspace, days=14)
    item_counts = selectors.source_item_counts(source_ids=[source.pk for source in sources])
    for source in sources:
        source.spark = sparks.get(source.pk, [0] * 14)
        source.counts = item_counts.get(source.pk, selectors.ItemCounts())
    return {
        "sources": sources,
        "can_manage": can_manage,
        "next_url": next_url,
        "counts": {status: sum(1 for s in sources if s.status == status) for status in SourceStatus.values},
        "chart": selectors.items_per_day(workspace=workspace, days=30),
        "kind_health": selectors.source_kind_health(workspace=workspace),
    }


@login_required
@require_POST
def source_choose(request):
    """Add one of the feeds a web page listed."""
    workspace = _workspace(request)
    form = ChooseFeedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the feeds."))
        return redirect("sources:index")
    try:
        source = services.source_create(
            user=request.user,
            workspace=workspace,
            url=form.cleaned_data["url"],
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
        )
    except (Conflict, ValidationError) as exc:
        messages.error(request, _error_text(exc))
        return redirect("sources:index")
    messages.success(request, _("Added %(name)s. Its first fetch is on its way.") % {"name": source})
    return redirect("sources:detail", pk=source.pk)


@login_required
def source_detail(request, pk: int):
    source = selectors.source_for_user(user=request.user, pk=pk)
    can_manage = _can_manage(request, source.workspace_id)
    settings_form = SourceSettingsForm(
        request.POST or None,
        initial={
            "name": source.name,
            "min_interval_seconds": source.min_interval_seconds,
            "trust": source.trust,
            "fulltext": source.fulltext,
        },
    )
    if request.method == "POST" and settings_form.is_valid():
        try:
            services.source_update(user=request.user, source=source, **settings_form.cleaned_data)
        except (Conflict, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("sources:detail", pk=source.pk)
    context = {"source": source, "can_manage": can_manage, **_detail_context(source)}
    if request.GET.get("partial"):
        return render(request, "sources/_detail_live.html", context)
    return render(request, "sources/detail.html", {**context, "settings_form": settings_form})


def _detail_context(source) -> dict:
    """What the detail page's live part shows (re-read by the page when the source changes)."""
    return {
        "attempts": selectors.attempts_for_source(source=source, limit=25),
        "items": selectors.items_for_workspace(workspace=source.workspace, source=source, include_duplicates=True)[:20],
        "counts": selectors.source_item_counts(source_ids=[source.pk]).get(source.pk, selectors.ItemCounts()),
        "chart": selectors.items_per_day(workspace=source.workspace, source=source, days=30),
        "dropped": selectors.dropped_items_for_source(source=source),
        "rules": [
            r for r in selectors.rules_for_workspace(workspace=source.workspace) if r.source_id in (None, source.pk)
        ],
    }


ACTIONS = {
    "fetch": (services.source_fetch_now, gettext_lazy("Fetching now; this page updates by itself when it is done.")),
    "pause": (services.source_pause, gettext_lazy("Paused. The source will not be checked until resumed.")),
    "resume": (services.source_resume, gettext_lazy("Resumed. The source will be checked shortly.")),
}


@login_required
@require_POST
def source_action(request, pk: int, action: str):
    source = selectors.source_for_user(user=request.user, pk=pk)
    if action == "delete":
        services.source_delete(user=request.user, source=source)
        messages.success(request, _("Deleted %(name)s and its items.") % {"name": source})
        return redirect("sources:index")
    if action not in ACTIONS:
        raise NotFound(_("Not found."))
    service, message = ACTIONS[action]
    try:
        service(user=request.user, source=source)
    except Conflict as exc:
        if request.headers.get("X-Requested-With") == "fetch":
            return JsonResponse({"level": "error", "message": str(exc.message)}, status=409)
        messages.error(request, exc.message)
    else:
        if request.headers.get("X-Requested-With") == "fetch":  # the page's script: it stays, and updates live
            return JsonResponse({"level": "success", "message": str(message)})
        messages.success(request, message)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("sources:detail", pk=source.pk)


@login_required
@require_GET
def opml_export(request):
    workspace = _workspace(request)
    body = build_opml(title=workspace.name, sources=selectors.sources_for_workspace(workspace=workspace))
    response = HttpResponse(body, content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{workspace.slug}-sources.opml"'
    return response


@login_required
@require_POST
def opml_import(request):
    workspace = _workspace(request)
    form = OpmlImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an OPML file to import."))
        return redirect("sources:index")
    try:
        created, skipped = services.opml_import(
            user=request.user, workspace=workspace, data=form.cleaned_data["file"].read()
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("sources:index")
    messages.success(
        request,
        _("Imported %(created)s sources, skipped %(skipped)s.") % {"created": len(created), "skipped": len(skipped)},
    )
    for line in skipped[:10]:
        messages.warning(request, line)
    return redirect("sources:index")


@login_required
def item_list(request):
    workspace = _workspace(request)
    sources = list(selectors.sources_for_workspace(workspace=workspace).only("id", "name", "url"))
    form = ItemFilterForm(
        request.GET or None, sources=sources, languages=selectors.workspace_languages(workspace=workspace)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    source = next((s for s in sources if s.pk == filters.get("source")), None)
    since = timezone.now() - timedelta(days=int(filters["days"])) if filters.get("days") else None
    items = selectors.items_for_workspace(
        workspace=workspace,
        source=source,
        q=filters.get("q") or "",
        language=filters.get("language") or "",
        kind=filters.get("kind") or "",
        since=since,
        include_duplicates=bool(filters.get("duplicates")),
        sentiment=filters.get("sentiment") or "",
        hidden=filters.get("hidden") or "",
    )
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "sources/items.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def item_detail(request, pk: int):
    item = selectors.item_for_user(request.user, pk)
    return render(
        request,
        "sources/item.html",
        {
            "item": item,
            "duplicates": selectors.item_duplicates(item=item),
            "original": item.duplicate_of,
            "can_manage": _can_manage(request, item.workspace_id),
        },
    )


ITEM_ACTIONS = {
    "mute": (lambda user, item: services.item_mute(user=user, item=item), gettext_lazy("Story muted.")),
    "unmute": (
        lambda user, item: services.item_mute(user=user, item=item, muted=False),
        gettext_lazy("Story visible again."),
    ),
    "restore": (lambda user, item: services.item_restore(user=user, item=item), gettext_lazy("Item restored.")),
    "fulltext": (
        lambda user, item: services.item_refetch_fulltext(user=user, item=item),
        gettext_lazy("Fetching the article's full text."),
    ),
}


@login_required
@require_POST
def item_action(request, pk: int, action: str):
    item = selectors.item_for_user(request.user, pk)
    if action not in ITEM_ACTIONS:
        raise NotFound(_("Not found."))
    service, message = ITEM_ACTIONS[action]
    service(request.user, item)
    messages.success(request, message)
    return redirect("sources:item", pk=item.pk)


@login_required
def rule_list(request):
    """The team's rules: every source's and the workspace's, with how many items each dropped."""
    workspace = _workspace(request)
    sources = list(selectors.sources_for_workspace(workspace=workspace).only("id", "name", "url"))
    form = RuleForm(request.POST or None, sources=sources, initial={"source": request.GET.get("source")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = next((s for s in sources if s.pk == data.get("source")), None)
        try:
            services.rule_create(
                user=request.user,
                workspace=workspace,
                action=data["action"],
                field=data["field"],
                pattern=data["pattern"],
                source=source,
                name=data["name"],
            )
        except ValidationError as exc:
            form.add_error("pattern", _error_text(exc))
        else:
            messages.success(request, _("Rule added. It applies to items arriving from now on."))
            return redirect("sources:rules")
    return render(
        request,
        "sources/rules.html",
        {
            "rules": selectors.rules_for_workspace(workspace=workspace),
            "form": form,
            "can_manage": _can_manage(request, workspace),
        },
    )


@login_required
@require_POST
def rules_apply(request):
    count = services.rules_apply_recent(user=request.user, workspace=_workspace(request), days=7)
    messages.success(request, _("The rules dropped %(n)s items of the last 7 days.") % {"n": count})
    return redirect("sources:rules")


@login_required
@require_POST
def rule_action(request, pk: int, action: str):
    rule = selectors.rule_for_user(user=request.user, pk=pk)
    if action == "delete":
        services.rule_delete(user=request.user, rule=rule)
        messages.success(request, _("Rule deleted. Items it dropped stay dropped; restore them from their page."))
    elif action in ("enable", "disable"):
        services.rule_set_enabled(user=request.user, rule=rule, enabled=action == "enable")
        messages.success(request, _("Rule enabled.") if action == "enable" else _("Rule disabled."))
    else:
        raise NotFound(_("Not found."))
    return redirect("sources:rules")
