"""Reads for generation: jobs, settings, usage and the source material a draft is written from."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.accounts.permissions import require_member
from apps.core.errors import NotFound
from apps.personas.style import STOPWORDS, words_of
from apps.posts.access import require_view
from apps.posts.models import MediaAsset, MediaKind, Post, Suggestion
from apps.sources.models import Item
from apps.trends.models import TrendItem

from .models import AIProviderSettings, GenerationJob, JobKind, JobStatus, PostTemplate, TokenUsage, VideoRender
from .providers.base import PersonaBrief, SourceText

if TYPE_CHECKING:
    from apps.accounts.models import User, Workspace
    from apps.personas.models import Persona
    from apps.trends.models import Trend

MAX_ITEMS = 8


def ai_settings_for(*, workspace: Workspace | int) -> AIProviderSettings | None:
    return AIProviderSettings.objects.filter(workspace=workspace).first()


def job_for_user(*, user: User, pk: int | str) -> GenerationJob:
    job: GenerationJob | None = (
        GenerationJob.objects.visible_to(user)
        .select_related("persona", "trend", "item", "post", "created_by")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise NotFound(_("Generation not found."))
    return job


def jobs_for_workspace(*, user: User, workspace: Workspace) -> QuerySet[GenerationJob]:
    require_member(user=user, workspace=workspace)
    return GenerationJob.objects.in_workspace(workspace).select_related("persona", "trend", "post", "created_by")


def month_start(when: dt.datetime | None = None) -> dt.date:
    return (when or timezone.now()).date().replace(day=1)


def usage_for_month(*, workspace: Workspace | int, month: dt.date | None = None) -> TokenUsage | None:
    return TokenUsage.objects.filter(workspace=workspace, month=month or month_start()).first()


def usage_cap_left(*, workspace: Workspace | int, settings_row: AIProviderSettings | None = None) -> int | None:
    """Tokens left under the monthly cap, or None when there is no cap."""
    settings_row = settings_row or ai_settings_for(workspace=workspace)
    if settings_row is None or not settings_row.monthly_token_cap:
        return None
    usage = usage_for_month(workspace=workspace)
    used = usage.total_tokens if usage else 0
    return max(0, settings_row.monthly_token_cap - used)


def items_for_trend(*, trend: Trend, limit: int = MAX_ITEMS) -> list[Item]:
    """The trend's items, strongest first: the best `limit` of its newest few, near-duplicates left out."""
    item_ids = list(TrendItem.objects.filter(trend=trend).values_list("item_id", flat=True)[: limit * 3])
    items = Item.objects.filter(pk__in=item_ids, duplicate_of__isnull=True).select_related("source")
    return list(items.order_by("-score", "-published_at")[:limit])


def source_text_for_item(item: Item) -> SourceText:
    text = item.text or strip_tags(item.content_html or item.summary_html or "")
    source = getattr(item, "source", None)
    return SourceText(
        title=item.title or "",
        text=" ".join(text.split()) if "\n\n" not in text else text,
        url=item.url or item.canonical_url or "",
        author=item.author or "",
        source_name=(source.name or source.host) if source is not None else "",
        item_id=item.pk,
    )


def material_for_job(*, job: GenerationJob) -> tuple[str, list[str], list[SourceText]]:
    """(title, keywords, material) a draft is written from: the trend's items, one item, or a topic."""
    if job.trend_id and job.trend is not None:
        trend = job.trend
        material = [source_text_for_item(i) for i in items_for_trend(trend=trend)]
        if trend.summary:
            material.append(SourceText(title=trend.title, text=trend.summary, source_name=_("Trend summary")))
        return trend.title, list(trend.keywords or [])[:8], material
    if job.item_id and job.item is not None:
        return job.item.title, [], [source_text_for_item(job.item)]
    if job.post_id and job.post is not None and job.post.trend is not None:
        trend = job.post.trend
        return trend.title, list(trend.keywords or []), [source_text_for_item(i) for i in items_for_trend(trend=trend)]
    return (
        job.topic,
        [],
        [source_text_for_item(i) for i in items_for_topic(workspace_id=job.workspace_id, topic=job.topic)],
    )


def items_for_topic(*, workspace_id: int, topic: str, limit: int = 5) -> list[Item]:
    """Recent items of the workspace whose title mentions the topic's words: a free topic still gets
    sources to quote when the newsroom has covered it."""
    words = [w for w in words_of(topic) if w not in STOPWORDS and len(w) > 3][:6]
    if not words:
        return []
    query = Q()
    for word in words:
        query |= Q(title__icontains=word)
    candidates = list(
        Item.objects.filter(query, workspace_id=workspace_id, duplicate_of__isnull=True)
        .select_related("source")
        .order_by("-published_at")[:50]
    )
    # Items matching more of the topic's words first.
    candidates.sort(key=lambda i: -sum(1 for w in words if w in i.title.lower()))
    return candidates[:limit]


def persona_brief(*, persona: Persona | None) -> PersonaBrief:
    if persona is None:
        return PersonaBrief()
    try:
        profile = persona.style_profile
    except ObjectDoesNotExist:  # a persona without samples has no profile yet
        profile = None
    return PersonaBrief(
        name=persona.name,
        description=persona.description,
        voice=persona.voice,
        audience=persona.audience,
        topics=list(persona.topics or []),
        rules_always=list(persona.rules_always or []),
        rules_never=list(persona.rules_never or []),
        phrases=[p["phrase"] for p in (profile.phrases if profile else [])][:8],
        avg_sentence_length=float((profile.metrics if profile else {}).get("avg_sentence_length", 0.0)),
    )


def post_for_user(*, user: User, pk: int | str) -> Post:
    """The post if the user may see it (workspace membership or a share), else 404."""
    post = Post.objects.filter(pk=pk).select_related("persona", "workspace", "trend").first()
    if post is None:
        raise NotFound(_("Post not found."))
    require_view(user=user, post=post)
    return post


MEDIA_ROLE_ORDER = {"featured": 0, "featured-variant": 1, "storyboard": 2}


def media_for_job(*, job: GenerationJob) -> list[MediaAsset]:
    """The media a generation produced, in reading order: the featured image, the storyboard stills in
    scene order (the assets' default ordering is newest first, which showed them reversed), then audio
    (the WAV before its web encoding) and the rest in the order they were made."""
    post = job.post
    if post is None:
        return []
    assets = list(post.media.order_by("pk"))

    def key(asset: MediaAsset) -> tuple[int, int, int]:
        data = asset.data or {}
        role = data.get("role", "")
        scene = data.get("scene") if role == "storyboard" else None
        return (MEDIA_ROLE_ORDER.get(role, 3), scene if isinstance(scene, int) else 0, asset.pk)

    return sorted(assets, key=key)


def dominant_item_language(*, trend: Trend | None = None, item: Item | None = None) -> str:
    """The language most of a trend's items are in (their stored language), or the item's own."""
    if item is not None:
        return (item.language or "").split("-")[0].lower()
    if trend is None:
        return ""
    counts = Counter((i.language or "").split("-")[0].lower() for i in items_for_trend(trend=trend))
    counts.pop("", None)
    return counts.most_common(1)[0][0] if counts else ""


def script_for_user(*, user: User, pk: int | str) -> MediaAsset:
    """A post's video script the user may see (through the post's access), else 404."""
    script = (
        MediaAsset.objects.filter(pk=pk, kind=MediaKind.VIDEO_SCRIPT, post__isnull=False)
        .select_related("post", "post__workspace")
        .first()
    )
    if script is None or script.post is None:
        raise NotFound(_("Video script not found."))
    require_view(user=user, post=script.post)
    return script


def video_renders_for_script(*, script: MediaAsset) -> list[VideoRender]:
    """The renders of a video script the caller already may see, newest first."""
    return list(VideoRender.objects.filter(script=script).order_by("-created_at", "-id")[:12])


def _turn_answer(job: GenerationJob, suggestions: list[dict[str, Any]]) -> str:
    if job.status in (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING):
        return _("Working on it…")
    if job.status != JobStatus.SUCCEEDED:
        return job.error or job.get_status_display()
    if not suggestions:
        return _("Nothing to change: the text already does that.")
    return ngettext(
        "%(n)s suggested change: accept or reject it.",
        "%(n)s suggested changes: accept or reject each.",
        len(suggestions),
    ) % {"n": len(suggestions)}


def refine_conversation(*, post: Post, limit: int = 50) -> list[dict[str, Any]]:
    """The post's refine conversation, oldest first: each request (the editor's words, or the action's name),
    the answer and the suggestions it produced with their state (the caller checked the post's access)."""
    jobs = list(
        GenerationJob.objects.filter(post=post, kind=JobKind.REFINE)
        .select_related("created_by")
        .order_by("-pk")[:limit]
    )[::-1]
    wanted = [pk for job in jobs for pk in (job.result or {}).get("suggestions", [])]
    by_id = {s.pk: s for s in Suggestion.objects.filter(post=post, pk__in=wanted)}
    turns: list[dict[str, Any]] = []
    for job in jobs:
        suggestions = [
            {
                "id": s.pk,
                "quote": s.anchor_quote,
                "replacement": s.replacement,
                "state": s.state,
                "start": s.anchor_start,
                "end": s.anchor_end,
            }
            for s in (by_id.get(pk) for pk in (job.result or {}).get("suggestions", []))
            if s is not None
        ]
        turns.append(
            {
                "job": job.pk,
                "request": (job.options or {}).get("instruction") or job.get_action_display(),
                "action": job.action,
                "status": job.status,
                "decision": job.decision,
                "answer": _turn_answer(job, suggestions),
                "error": job.error if job.status == JobStatus.FAILED else "",
                "asked_by": str(job.created_by) if job.created_by else "",
                "created_at": job.created_at,
                "suggestions": suggestions,
            }
        )
    return turns


def templates_for_workspace(*, user: User, workspace: Workspace) -> QuerySet[PostTemplate]:
    require_member(user=user, workspace=workspace)
    return PostTemplate.objects.in_workspace(workspace).order_by("name")


def template_for_user(*, user: User, pk: int | str) -> PostTemplate:
    template: PostTemplate | None = (
        PostTemplate.objects.visible_to(user).select_related("workspace").filter(pk=pk).first()
    )
    if template is None:
        raise NotFound(_("Template not found."))
    return template
