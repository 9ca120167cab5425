"""Sources pages: the source list (add by URL with discovery, OPML), a source's detail, the item stream."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
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
from .forms import AddSourceForm, ChooseFeedForm, ItemFilterForm, OpmlImportForm, SourceSettingsForm
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


@login_required
def source_list(request):
    workspace = _workspace(request)
    can_manage = _can_manage(request, workspace)
    form = AddSourceForm(request.POST or None)
    candidates: list[dict] = []
    if request.method == "POST" and form.is_valid():
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
    sources = list(selectors.sources_for_workspace(workspace=workspace))
    sparks = selectors.items_per_day_by_source(workspace=workspace, days=14)
    for source in sources:
        source.spark = sparks.get(source.pk, [0] * 14)
    counts = {status: sum(1 for s in sources if s.status == status) for status in SourceStatus.values}
    return render(
        request,
        "sources/list.html",
        {
            "sources": sources,
            "form": form,
            "candidates": candidates,
            "opml_form": OpmlImportForm(),
            "can_manage": can_manage,
            "counts": counts,
            "chart": selectors.items_per_day(workspace=workspace, days=30),
        },
    )


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
        request.POST or None, initial={"name": source.name, "min_interval_seconds": source.min_interval_seconds}
    )
    if request.method == "POST" and settings_form.is_valid():
        try:
            services.source_update(user=request.user, source=source, **settings_form.cleaned_data)
        except (Conflict, ValidationError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect("sources:detail", pk=source.pk)
    items = selectors.items_for_workspace(workspace=source.workspace, source=source, include_duplicates=True)[:20]
    return render(
        request,
        "sources/detail.html",
        {
            "source": source,
            "can_manage": can_manage,
            "settings_form": settings_form,
            "attempts": selectors.attempts_for_source(source=source, limit=25),
            "items": items,
            "chart": selectors.items_per_day(workspace=source.workspace, source=source, days=30),
        },
    )


ACTIONS = {
    "fetch": (services.source_fetch_now, gettext_lazy("Fetching now; refresh in a moment to see the result.")),
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
        messages.error(request, exc.message)
    else:
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
        },
    )
