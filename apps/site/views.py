"""The app's site pages (address, articles and clicks, headline tests, the rendered preview) and the
public short-link redirect."""

from __future__ import annotations

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.permissions import membership_for
from apps.accounts.roles import Capability, role_can
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict, InvalidInput
from apps.posts.selectors import post_current_body, post_for_user

from . import headlines, selectors, services
from .charts import ctr_chart_svg
from .choices import HeadlineTestMethod, HeadlineTestState
from .feeds import sitemap_response
from .links import clicks_by_channel, link_follow
from .models import ArticlePage


def _error_text(exc) -> str:
    return " ".join(getattr(exc, "messages", None) or [str(getattr(exc, "message", exc))])


@require_GET
@never_cache
def link_redirect(request, code: str):
    target = link_follow(code=code[:16], request=request)
    if target is None:
        raise Http404(_("This link does not exist."))
    response = HttpResponseRedirect(target)
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response


@require_GET
def site_sitemap(request, prefix: str):
    home = services.directory_home(prefix)
    if home is None:
        raise Http404
    return sitemap_response(request=request, home=home)


@login_required
def overview(request):
    membership = request_membership(request)
    workspace = membership.workspace
    home = selectors.site_home_for(user=request.user, workspace=workspace)
    articles = list(selectors.site_articles_for(user=request.user, workspace=workspace))
    tests = list(selectors.headline_tests_for(user=request.user, workspace=workspace)[:50])
    context = {
        "section": "site",
        "home": home,
        "site_url": (home.get_full_url(request) or "") if home is not None else "",
        "articles": articles,
        "tests": tests,
        "channel_clicks": clicks_by_channel(workspace_id=workspace.pk),
        "can_manage": role_can(membership.role, Capability.MANAGE_WORKSPACE),
        "can_publish": role_can(membership.role, Capability.PUBLISH),
    }
    return render(request, "site/app/overview.html", context)


@login_required
@require_POST
def hostname(request):
    workspace = request_membership(request).workspace
    try:
        services.site_set_hostname(user=request.user, workspace=workspace, hostname=request.POST.get("hostname", ""))
        messages.success(request, _("The site's address is saved."))
    except (InvalidInput, Conflict) as exc:
        messages.error(request, _error_text(exc))
    return redirect("site:overview")


@login_required
def test_new(request, page_id: int):
    workspace = request_membership(request).workspace
    page = selectors.article_for(user=request.user, workspace=workspace, pk=page_id)
    if request.method == "POST":
        try:
            test = headlines.headline_test_create(
                user=request.user,
                page=page,
                headlines=request.POST.getlist("headline"),
                method=request.POST.get("method") or HeadlineTestMethod.ZTEST,
                confidence_level=float(request.POST.get("confidence") or 0.95),
                min_impressions=int(request.POST.get("min_impressions") or 200),
                auto_apply=bool(request.POST.get("auto_apply")),
            )
        except (InvalidInput, Conflict, ValueError) as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The headline test is running."))
            return redirect("site:test", pk=test.pk)
    context = {"section": "site", "page": page, "methods": HeadlineTestMethod.choices, "slots": range(3)}
    return render(request, "site/app/test_new.html", context)


@login_required
def test_detail(request, pk: int):
    membership = request_membership(request)
    test = selectors.headline_test_for(user=request.user, workspace=membership.workspace, pk=pk)
    evaluation = headlines.headline_test_evaluate(test=test)
    decision = evaluation.decision
    rows = [
        {
            "variant": v,
            "pct": v.rate * 100,
            "p_value": decision.p_values[i],
            "p_sequential": decision.p_sequential[i],
            "prob_best": decision.prob_best[i],
            "leader": decision.leader == i,
        }
        for i, v in enumerate(evaluation.variants)
    ]
    chart = ctr_chart_svg(
        [(v.headline, v.impressions, v.clicks) for v in evaluation.variants],
        title=_("Click-through per headline, with 95-percent intervals"),
    )
    context = {
        "section": "site",
        "test": test,
        "rows": rows,
        "decision": decision,
        "leader": evaluation.leader,
        "chart": chart,
        "running": test.state == HeadlineTestState.RUNNING,
        "can_publish": role_can(membership.role, Capability.PUBLISH),
        "total_impressions": sum(v.impressions for v in evaluation.variants),
    }
    return render(request, "site/app/test_detail.html", context)


@login_required
@require_POST
def test_action(request, pk: int, action: str):
    test = selectors.headline_test_for(user=request.user, workspace=request_membership(request).workspace, pk=pk)
    try:
        if action == "apply":
            variant = request.POST.get("variant")
            headlines.headline_test_apply(user=request.user, test=test, variant_id=int(variant) if variant else None)
            messages.success(request, _("The winning headline is now the article's title."))
        elif action == "stop":
            headlines.headline_test_stop(user=request.user, test=test)
            messages.success(request, _("The test is stopped; the article keeps its title."))
        else:
            raise Http404
    except (InvalidInput, Conflict, ValueError) as exc:
        messages.error(request, _error_text(exc))
    return redirect("site:test", pk=test.pk)


@login_required
@xframe_options_sameorigin
# django-csp types its decorators for views that take only the request.
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]
def preview(request, post_id: int):
    """The post as a reader will see it on the site (the site's own template and style), from its
    current text; shown in a frame on the publish panel."""
    post = post_for_user(user=request.user, pk=post_id)
    if membership_for(user=request.user, workspace=post.workspace_id) is None:
        raise Http404
    _doc, html, _text = post_current_body(post=post)
    media = services.post_media(post)
    page = ArticlePage(
        title=post.title,
        excerpt=post.excerpt,
        body=html,
        tags=list(post.tags or []),
        author_name=(post.persona.name if post.persona is not None else "")
        or (post.author.get_full_name() if post.author is not None else ""),
        featured_image_url=media["image_url"],
        featured_image_alt=media["image_alt"],
        audio_url=media["audio_url"],
        audio_mime=media["audio_mime"],
        language=post.language,
    )
    home = services.workspace_home(post.workspace_id)
    context = {"page": page, "self": page, "headline": post.title, "home": home, "is_preview": True}
    return render(request, "site/article_page.html", context)
