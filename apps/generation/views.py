"""Generation pages: the generate dialog, a job's live page, history, refine, and AI settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Workspace
from apps.accounts.permissions import membership_for, require_capability
from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict, NotFound
from apps.core.params import safe_id
from apps.personas.models import Persona
from apps.personas.selectors import personas_for_workspace
from apps.posts.document import diff_ops, markup_to_html
from apps.posts.models import MediaKind, Suggestion
from apps.sources.models import Item
from apps.trends.models import Trend

from .forms import AISettingsForm, GenerateForm, PostTemplateForm, RefineForm
from .models import AIProviderSettings, JobKind, JobStatus, VideoAspect
from .podcast import podcast_cover, podcast_episodes, podcast_feed
from .selectors import (
    ai_settings_for,
    job_for_user,
    jobs_for_workspace,
    media_for_job,
    post_for_user,
    script_for_user,
    template_for_user,
    templates_for_workspace,
    usage_cap_left,
    usage_for_month,
    video_renders_for_script,
)
from .services import (
    ai_settings_update,
    generation_cancel,
    generation_start,
    refine_accept,
    refine_reject,
    refine_start,
)
from .services_studio import (
    post_from_template,
    template_create,
    template_delete,
    template_update,
    templates_add_starters,
    video_render_start,
)


def _workspace(request):
    return request_membership(request).workspace


def _scoped(model: type[Trend] | type[Item], user, pk):
    """The trend or item `pk` of one of the user's workspaces; None when no id was given."""
    if not pk:
        return None
    obj = model.objects.filter(workspace__memberships__user=user, pk=pk).first()
    if obj is None:
        raise NotFound(_("Not found."))
    return obj


@login_required
def generate(request):
    workspace = _workspace(request)
    personas = personas_for_workspace(user=request.user, workspace=workspace)
    source = request.POST if request.method == "POST" else request.GET
    trend = _scoped(Trend, request.user, source.get("trend") or None)
    item = _scoped(Item, request.user, source.get("item") or None)
    initial = {
        "trend": getattr(trend, "pk", None),
        "item": getattr(item, "pk", None),
        "persona": request.GET.get("persona") or (personas[0].pk if len(personas) == 1 else None),
        "topic": request.GET.get("topic", ""),
    }
    templates = templates_for_workspace(user=request.user, workspace=workspace)
    initial["template"] = safe_id(request.GET.get("template"))
    form = GenerateForm(request.POST or None, initial=initial, personas=personas, templates=templates)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = generation_start(
                user=request.user,
                workspace=workspace,
                persona=data["persona"],
                fmt=data["format"],
                trend=trend,
                item=item,
                topic=data["topic"],
                language=data["language"],
                with_image=data["with_image"],
                with_audio=data["with_audio"],
                template=data["template"],
            )
        except Conflict as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("generation:job", pk=job.pk)
    ai = ai_settings_for(workspace=workspace)
    return render(
        request,
        "generation/generate.html",
        {
            "form": form,
            "trend": trend,
            "item": item,
            "ai": ai,
            "cap_left": usage_cap_left(workspace=workspace),
        },
    )


@login_required
def job_list(request):
    workspace = _workspace(request)
    jobs = jobs_for_workspace(user=request.user, workspace=workspace)[:100]
    return render(
        request,
        "generation/jobs.html",
        {"jobs": jobs, "usage": usage_for_month(workspace=workspace), "ai": ai_settings_for(workspace=workspace)},
    )


@login_required
def job_detail(request, pk: int):
    job = job_for_user(user=request.user, pk=pk)
    suggestions = []
    if job.kind == JobKind.REFINE and job.post_id is not None and job.result.get("suggestions"):
        for suggestion in Suggestion.objects.filter(post_id=job.post_id, pk__in=job.result["suggestions"]):
            suggestions.append((suggestion, diff_ops(suggestion.anchor_quote, suggestion.replacement)))
    media = media_for_job(job=job) if job.kind == JobKind.GENERATE else []
    videos = [
        (asset, video_renders_for_script(script=asset)) for asset in media if asset.kind == MediaKind.VIDEO_SCRIPT
    ]
    return render(
        request,
        "generation/job.html",
        {
            "job": job,
            "status_labels": {value: str(label) for value, label in JobStatus.choices},
            "suggestions": suggestions,
            "media": media,
            "videos": videos,
            "aspects": VideoAspect.choices,
            "result_html": markup_to_html(job.result_text) if job.result_text else "",
        },
    )


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = job_for_user(user=request.user, pk=pk)
    try:
        generation_cancel(user=request.user, job=job)
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("generation:job", pk=job.pk)


@login_required
def refine(request, post_pk: int):
    post = post_for_user(user=request.user, pk=post_pk)
    form = RefineForm(request.POST or None, initial={"target_language": "ru" if post.language == "en" else "en"})
    if request.method == "POST" and form.is_valid():
        try:
            job = refine_start(
                user=request.user,
                post=post,
                action=form.cleaned_data["action"],
                target_language=form.cleaned_data["target_language"],
            )
        except Conflict as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                form.add_error(None, errors)
        else:
            return redirect("generation:job", pk=job.pk)
    return render(request, "generation/refine.html", {"post": post, "form": form})


@login_required
@require_POST
def refine_decide(request, pk: int, decision: str):
    job = job_for_user(user=request.user, pk=pk)
    suggestion_id = safe_id(request.POST.get("suggestion"))
    try:
        if decision == "accept":
            refine_accept(user=request.user, job=job, suggestion_id=suggestion_id)
            messages.success(request, _("Accepted: the post has a new revision."))
        else:
            refine_reject(user=request.user, job=job, suggestion_id=suggestion_id)
            messages.success(request, _("Rejected; the post is unchanged."))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("generation:job", pk=job.pk)


@login_required
def ai_settings(request):
    workspace = _workspace(request)
    membership = membership_for(user=request.user, workspace=workspace)
    can_manage = bool(membership and membership.can(Capability.MANAGE_WORKSPACE))
    row = ai_settings_for(workspace=workspace) or AIProviderSettings(workspace=workspace)
    initial = {f: getattr(row, f) for f in AISettingsForm.base_fields if hasattr(row, f) and f != "api_key"}
    form = AISettingsForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require_capability(user=request.user, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
        if form.is_valid():
            try:
                ai_settings_update(user=request.user, workspace=workspace, data=form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("AI settings saved."))
                return redirect("generation:settings")
    return render(
        request,
        "generation/settings.html",
        {
            "form": form,
            "row": row,
            "can_manage": can_manage,
            "usage": usage_for_month(workspace=workspace),
            "cap_left": usage_cap_left(workspace=workspace),
        },
    )


@login_required
@require_POST
def video_render(request, script_pk: int):
    """Start an MP4 of a video script (the no-script fallback of the job page's render buttons)."""
    script = script_for_user(user=request.user, pk=script_pk)
    try:
        video_render_start(user=request.user, script=script, aspect=request.POST.get("aspect", VideoAspect.LANDSCAPE))
        messages.success(request, _("The video is being rendered."))
    except Conflict as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(back)
    return redirect("generation:jobs")


def _podcast_source(request, slug: str):
    """The workspace (by slug) and optional persona (?persona=id) of a public podcast feed, else 404."""
    workspace = Workspace.objects.filter(slug=slug).first()
    if workspace is None:
        raise Http404
    persona = None
    persona_id = safe_id(request.GET.get("persona"))
    if request.GET.get("persona") is not None:
        persona = Persona.objects.filter(workspace=workspace, pk=persona_id).first() if persona_id else None
        if persona is None:
            raise Http404
    return workspace, persona


@require_safe
def podcast_feed_view(request, slug: str):
    """The workspace's public podcast (RSS 2.0 + iTunes tags): its published posts with audio."""
    workspace, persona = _podcast_source(request, slug)
    episodes = podcast_episodes(workspace=workspace, persona=persona)
    query = f"?persona={persona.pk}" if persona is not None else ""
    xml = podcast_feed(
        workspace=workspace,
        persona=persona,
        episodes=episodes,
        absolute=request.build_absolute_uri,
        feed_url=request.build_absolute_uri(reverse("generation:podcast", args=[slug]) + query),
        cover_url=request.build_absolute_uri(reverse("generation:podcast_cover", args=[slug]) + query),
    )
    response = HttpResponse(xml, content_type="application/rss+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def podcast_cover_view(request, slug: str):
    workspace, persona = _podcast_source(request, slug)
    response = HttpResponse(podcast_cover(workspace=workspace, persona=persona), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@login_required
def template_list(request):
    """The workspace's post templates: add, edit, start a post or a draft from one."""
    workspace = _workspace(request)
    templates = templates_for_workspace(user=request.user, workspace=workspace)
    form = PostTemplateForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("starters"):
            made = templates_add_starters(user=request.user, workspace=workspace)
            messages.success(request, _("%(n)s starter templates added.") % {"n": len(made)})
            return redirect("generation:templates")
        if form.is_valid():
            try:
                template_create(user=request.user, workspace=workspace, data=form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("generation:templates")
    return render(request, "generation/templates.html", {"templates": templates, "form": form})


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def template_edit(request, pk: int):
    template = template_for_user(user=request.user, pk=pk)
    initial = {f: getattr(template, f) for f in PostTemplateForm.base_fields}
    form = PostTemplateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete"):
            template_delete(user=request.user, template=template)
            messages.success(request, _("Template deleted."))
            return redirect("generation:templates")
        if form.is_valid():
            try:
                template_update(user=request.user, template=template, data=form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Template saved."))
                return redirect("generation:templates")
    return render(request, "generation/template_edit.html", {"template": template, "form": form})


@login_required
@require_POST
def template_new_post(request, pk: int):
    """A new post whose body is the template's structure, opened in the editor."""
    template = template_for_user(user=request.user, pk=pk)
    post = post_from_template(user=request.user, template=template, title=request.POST.get("title", ""))
    return redirect("posts:detail", pk=post.pk)
