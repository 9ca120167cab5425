"""Writes of the content studio beside the drafts: video renders of a post's video script.

Rendering is slow (speech, then ffmpeg): it runs in the `generation.render_video` task, which claims the
row, writes its progress (stage and share done) as it goes and keeps the MP4 and its WebVTT captions in the
configured storage (local files or S3)."""

from __future__ import annotations

import io
import logging
import subprocess

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput
from apps.core.queue import enqueue_on_commit
from apps.core.services import audit_log
from apps.posts.access import require_edit
from apps.posts.document import markup_to_document
from apps.posts.models import MediaAsset, MediaKind
from apps.posts.services import post_create

from .cards import render_card
from .models import (
    AIProviderSettings,
    DraftFormat,
    JobStatus,
    PostTemplate,
    TemplateKind,
    VideoAspect,
    VideoRender,
)
from .post_templates import STARTERS
from .providers.base import ProviderError, ProviderUnavailable
from .providers.factory import provider_for_settings
from .video import ASPECT_SIZES, VideoScene, VideoUnavailable, ffmpeg_binary, render_mp4

logger = logging.getLogger(__name__)
PROGRESS_STEP = 0.02  # write the share done to the row at most every 2 %
NARRATION_SHARE = 0.35  # of the progress bar: speech first, then the encode


def video_render_start(*, user, script: MediaAsset, aspect: str = VideoAspect.LANDSCAPE) -> VideoRender:
    """Queue an MP4 of the post's video script in one of the platform shapes."""
    if script.kind != MediaKind.VIDEO_SCRIPT or script.post is None:
        raise InvalidInput({"script": [_("Not a video script.")]})
    require_edit(user=user, post=script.post)
    if aspect not in VideoAspect.values:
        raise InvalidInput({"aspect": [_("Choose 16:9, 9:16 or 1:1.")]})
    if not (script.data or {}).get("scenes"):
        raise InvalidInput({"script": [_("The video script has no scenes.")]})
    busy = VideoRender.objects.filter(
        script=script, aspect=aspect, status__in=[JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING]
    )
    if busy.exists():
        raise Conflict(_("This video is already being rendered."))
    with transaction.atomic():
        render = VideoRender.objects.create(
            workspace_id=script.workspace_id,
            post=script.post,
            script=script,
            aspect=aspect,
            created_by=user,
            stage=_("Waiting for a worker"),
        )
        audit_log(actor=user, action="generation.video_start", target=render, data={"aspect": aspect})
        enqueue_on_commit("generation.render_video", render.pk)
    return render


def _claim_render(render_id: int) -> VideoRender | None:
    claimed = VideoRender.objects.filter(pk=render_id, status__in=[JobStatus.QUEUED, JobStatus.RETRYING]).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), progress=0.0
    )
    if not claimed:
        return None
    return VideoRender.objects.select_related(
        "post", "post__persona", "script", "workspace", "workspace__ai_settings"
    ).get(pk=render_id)


class _Progress:
    """Writes the share done to the row when it moved by PROGRESS_STEP (pages poll the row)."""

    def __init__(self, render_id: int) -> None:
        self.render_id = render_id
        self.written = -1.0

    def __call__(self, share: float, stage: str | None = None) -> None:
        share = round(max(0.0, min(0.99, share)), 3)
        if stage is None and share - self.written < PROGRESS_STEP:
            return
        self.written = share
        update = {"progress": share, "updated_at": timezone.now()}
        if stage is not None:
            update["stage"] = stage[:120]
        VideoRender.objects.filter(pk=self.render_id, status=JobStatus.RUNNING).update(**update)


def _settings_of(workspace):
    try:
        return workspace.ai_settings
    except AIProviderSettings.DoesNotExist:  # no settings row: the offline provider
        return None


def _scenes_for(render: VideoRender, progress: _Progress) -> list[VideoScene]:
    """One title card per scene at the video's size (persona colours), in scene order, with its narration."""
    if render.script is None:  # the script was deleted after the render was queued
        raise ValueError(_("The video script was deleted."))
    data = render.script.data or {}
    scenes = sorted(data.get("scenes") or [], key=lambda s: int(s.get("number") or 0))
    size = ASPECT_SIZES[render.aspect]
    persona = render.post.persona
    colors = [persona.color] if persona is not None and persona.color else None
    provider = provider_for_settings(_settings_of(render.workspace))
    out: list[VideoScene] = []
    for n, scene in enumerate(scenes):
        narration = str(scene.get("narration") or "")
        progress(NARRATION_SHARE * n / max(1, len(scenes)), _("Narrating scene %(n)s") % {"n": n + 1})
        audio = b""
        if narration.strip():
            try:
                audio = provider.speech(text=narration, language=render.post.language).content
            except ProviderUnavailable:
                audio = b""  # a silent scene; the captions still carry the words
        card = render_card(
            title=str(scene.get("on_screen_text") or narration[:80] or render.post.title),
            subtitle=str(scene.get("shot") or ""),
            size=size,
            label=_("Scene %(n)s") % {"n": scene.get("number", n + 1)},
            colors=colors,
        )
        out.append(
            VideoScene(
                picture=card.png,
                seconds=float(scene.get("duration_seconds") or 5),
                narration=audio,
                caption=narration,
            )
        )
    return out


def video_render_run(*, render_id: int) -> VideoRender | None:
    """Render a claimed video to the end: narration, encode, store. Failures are visible on the row."""
    render = _claim_render(render_id)
    if render is None:
        return None
    progress = _Progress(render.pk)
    try:
        ffmpeg_binary()
        scenes = _scenes_for(render, progress)
        progress(NARRATION_SHARE, _("Encoding the video"))
        mp4, vtt, duration = render_mp4(
            scenes,
            size=ASPECT_SIZES[render.aspect],
            on_progress=lambda share: progress(NARRATION_SHARE + (1 - NARRATION_SHARE) * share),
        )
    except VideoUnavailable:
        return _render_failed(render, _("Video needs ffmpeg, which is not installed on the server."))
    except (ProviderError, OSError, subprocess.SubprocessError, ValueError) as exc:
        logger.warning("video render %s failed", render.pk, exc_info=True)
        detail = getattr(exc, "stderr", "") or str(exc)
        return _render_failed(render, _("The video could not be rendered: %(error)s") % {"error": str(detail)[:300]})
    return _render_store(render, mp4=mp4, vtt=vtt, duration=duration)


def _render_store(render: VideoRender, *, mp4: bytes, vtt: str, duration: float) -> VideoRender:
    width, height = ASPECT_SIZES[render.aspect]
    stem = f"post{render.post_id}-video{render.pk}-{render.aspect.replace(':', 'x')}"
    render.file.save(f"{stem}.mp4", ContentFile(mp4), save=False)
    render.captions.save(f"{stem}.vtt", ContentFile(vtt.encode()), save=False)
    with transaction.atomic():
        VideoRender.objects.filter(pk=render.pk).update(
            status=JobStatus.SUCCEEDED,
            progress=1.0,
            stage=_("Done"),
            file=render.file.name,
            captions=render.captions.name,
            width=width,
            height=height,
            size=len(mp4),
            duration_seconds=duration,
            finished_at=timezone.now(),
            error="",
        )
        audit_log(actor=render.created_by, action="generation.video_finish", target=render, data={"bytes": len(mp4)})
    render.refresh_from_db()
    return render


def _render_failed(render: VideoRender, error: str) -> VideoRender:
    VideoRender.objects.filter(pk=render.pk).update(
        status=JobStatus.FAILED, error=error[:2000], stage=_("Failed"), finished_at=timezone.now()
    )
    render.refresh_from_db()
    return render


def video_render_mark_failed(*, render_id: int, error: str) -> None:
    VideoRender.objects.filter(pk=render_id).exclude(status=JobStatus.SUCCEEDED).update(
        status=JobStatus.FAILED, error=error[:2000], stage=_("Failed"), finished_at=timezone.now()
    )


# --- dictation -----------------------------------------------------------------------------------

MAX_DICTATION_BYTES = 25 * 1024 * 1024  # the OpenAI transcription limit
DICTATION_TYPES = ("audio/", "video/webm", "application/ogg")  # MediaRecorder's webm may be labelled video/webm


def dictation_available(*, workspace) -> tuple[bool, str]:
    """Whether the workspace's provider can transcribe, and what is needed when it cannot."""
    return dictation_status(ai_settings=_settings_of(workspace))


def dictation_status(*, ai_settings) -> tuple[bool, str]:
    """dictation_available for a provider settings row already loaded (None: offline)."""
    provider = provider_for_settings(ai_settings)
    if provider.transcription_available():
        return True, ""
    try:
        provider.transcribe(audio=b"", filename="", mime_type="")
    except ProviderUnavailable as exc:
        return False, str(exc)
    return False, ""


def dictation_transcribe(*, user, post, audio: bytes, filename: str, mime_type: str, language: str = "") -> str:
    """The words of a recording made in the editor, transcribed by the workspace's provider
    (`/v1/audio/transcriptions`); the editor inserts them at the cursor. Nothing is stored."""
    require_edit(user=user, post=post)
    if not audio:
        raise InvalidInput({"audio": [_("The recording is empty.")]})
    if len(audio) > MAX_DICTATION_BYTES:
        raise InvalidInput({"audio": [_("The recording is too long (25 MB at most).")]})
    mime_type = (mime_type or "").split(";")[0].strip().lower()
    if not mime_type.startswith(DICTATION_TYPES):
        raise InvalidInput({"audio": [_("Not an audio recording.")]})
    provider = provider_for_settings(_settings_of(post.workspace))
    try:
        text = provider.transcribe(
            audio=audio, filename=filename or "dictation.webm", mime_type=mime_type, language=language
        )
    except ProviderUnavailable as exc:
        raise Conflict(str(exc)) from exc
    except ProviderError as exc:
        raise Conflict(_("The transcription failed: %(error)s") % {"error": str(exc)}) from exc
    audit_log(actor=user, action="generation.dictation", target=post, data={"bytes": len(audio), "chars": len(text)})
    return text


# --- post templates ------------------------------------------------------------------------------

TEMPLATE_FIELDS = ("name", "kind", "format", "description", "prompt", "structure")


def _template_clean(data: dict) -> dict:
    cleaned = {k: data[k] for k in TEMPLATE_FIELDS if k in data}
    if "name" in cleaned:
        cleaned["name"] = " ".join(str(cleaned["name"]).split())[:120]
        if not cleaned["name"]:
            raise InvalidInput({"name": [_("A template needs a name.")]})
    if "kind" in cleaned and cleaned["kind"] not in TemplateKind.values:
        raise InvalidInput({"kind": [_("Unknown kind.")]})
    if "format" in cleaned and cleaned["format"] not in DraftFormat.values:
        raise InvalidInput({"format": [_("Unknown format.")]})
    for key in ("prompt", "structure"):
        if key in cleaned:
            cleaned[key] = str(cleaned[key] or "")[:5000]
    return cleaned


def _template_name_free(*, workspace, name: str, exclude_pk=None) -> None:
    clash = PostTemplate.objects.filter(workspace=workspace, name__iexact=name).exclude(pk=exclude_pk)
    if clash.exists():
        raise InvalidInput({"name": [_("This workspace already has a template with this name.")]})


def template_create(*, user, workspace, data: dict) -> PostTemplate:
    require_capability(user=user, workspace=workspace, capability=Capability.WRITE)
    cleaned = _template_clean(data)
    if "name" not in cleaned:
        raise InvalidInput({"name": [_("A template needs a name.")]})
    _template_name_free(workspace=workspace, name=cleaned["name"])
    with transaction.atomic():
        template = PostTemplate.objects.create(workspace=workspace, created_by=user, **cleaned)
        audit_log(actor=user, action="template.create", target=template, workspace=workspace)
    return template


def template_update(*, user, template: PostTemplate, data: dict) -> PostTemplate:
    require_capability(user=user, workspace=template.workspace_id, capability=Capability.WRITE)
    cleaned = _template_clean(data)
    if "name" in cleaned:
        _template_name_free(workspace=template.workspace_id, name=cleaned["name"], exclude_pk=template.pk)
    for key, value in cleaned.items():
        setattr(template, key, value)
    with transaction.atomic():
        template.save()
        audit_log(actor=user, action="template.update", target=template, data={"fields": sorted(cleaned)})
    return template


def template_delete(*, user, template: PostTemplate) -> None:
    require_capability(user=user, workspace=template.workspace_id, capability=Capability.WRITE)
    with transaction.atomic():
        audit_log(actor=user, action="template.delete", target=template, data={"name": template.name})
        template.delete()


def templates_add_starters(*, user, workspace) -> list[PostTemplate]:
    """The starter templates (listicle, explainer, breaking news, newsletter issue, thread) the workspace lacks."""
    require_capability(user=user, workspace=workspace, capability=Capability.WRITE)
    have = {n.lower() for n in PostTemplate.objects.filter(workspace=workspace).values_list("name", flat=True)}
    made = []
    with transaction.atomic():
        for starter in STARTERS:
            name = str(starter["name"])
            if name.lower() in have:
                continue
            made.append(
                PostTemplate.objects.create(
                    workspace=workspace,
                    created_by=user,
                    **{**starter, "name": name, "description": str(starter["description"])},
                )
            )
        if made:
            audit_log(actor=user, action="template.starters", target=workspace, workspace=workspace)
    return made


def post_from_template(*, user, template: PostTemplate, title: str = ""):
    """A new draft post whose body is the template's structure, ready to be written in."""
    require_capability(user=user, workspace=template.workspace_id, capability=Capability.WRITE)
    return post_create(
        workspace=template.workspace,
        user=user,
        title=(title or "").strip()[:300] or template.name,
        body_json=markup_to_document(template.structure or ""),
        reason=_("Started from the template “%(name)s”") % {"name": template.name},
    )


def template_snapshot(template: PostTemplate | None) -> dict:
    """What a generation job keeps of its template (provenance; the run reads no other row)."""
    if template is None:
        return {}
    return {
        "id": template.pk,
        "name": template.name,
        "kind": template.kind,
        "prompt": template.prompt,
        "structure": template.structure,
    }


# --- images for a post ---------------------------------------------------------------------------


def post_image_generate(*, user, post, prompt: str = "") -> list[MediaAsset]:
    """An image for the post from the workspace's provider (`/v1/images/generations`, cropped and optimized
    to the article, square and story sizes), or its title card offline; kept as the post's media. The
    first is the article size (1200×630), which the editor can make the featured image."""
    require_edit(user=user, post=post)
    prompt = " ".join((prompt or "").split())[:1000] or (
        _("Editorial illustration for an article titled “%(title)s”. No text.") % {"title": post.title}
    )
    provider = provider_for_settings(_settings_of(post.workspace))
    persona = post.persona
    try:
        image = provider.image(
            prompt=prompt,
            title=post.title,
            subtitle=persona.name if persona is not None else "",
            colors=[persona.color] if persona is not None and persona.color else None,
        )
    except ProviderError as exc:
        raise Conflict(_("The image could not be made: %(error)s") % {"error": str(exc)}) from exc
    assets = []
    with transaction.atomic():
        for n, binary in enumerate([image, *image.alternates]):
            with Image.open(io.BytesIO(binary.content)) as opened:
                width, height = opened.size
            asset = MediaAsset(
                workspace_id=post.workspace_id,
                post=post,
                kind=MediaKind.IMAGE,
                alt_text=binary.alt_text[:500],
                mime_type=binary.mime_type,
                size=len(binary.content),
                data={
                    "model": binary.model,
                    "role": "generated" if n == 0 else "generated-variant",
                    "prompt": prompt,
                    "width": width,
                    "height": height,
                },
                created_by=user,
            )
            suffix = f"{width}x{height}"
            asset.file.save(f"post{post.pk}-image-{suffix}.{binary.extension}", ContentFile(binary.content), save=False)
            asset.save()
            assets.append(asset)
        audit_log(actor=user, action="generation.image", target=post, data={"media": [a.pk for a in assets]})
    return assets
