"""Writes for generation: provider settings, starting and cancelling jobs, running them (streaming,
provenance, usage, media), and refinements that wait as suggestions until an editor decides."""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NotRequired, ParamSpec, TypedDict, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from apps.core.queue import enqueue_on_commit
from apps.core.services import audit_log
from apps.notifications.services import generation_failed
from apps.personas.selectors import persona_style_match
from apps.personas.style import style_compare
from apps.posts.access import require_edit
from apps.posts.document import document_to_markup, markup_to_document, markup_to_text, render_body
from apps.posts.models import MediaAsset, MediaKind, Post, Suggestion, SuggestionState
from apps.posts.selectors import post_current_body
from apps.posts.services import post_create, suggestion_accept, suggestion_create, suggestion_reject
from apps.sources.models import Item

from .crypto import secret_encrypt
from .events import job_event_send, job_events_flush
from .models import (
    AIProviderSettings,
    Decision,
    DraftFormat,
    GenerationJob,
    JobKind,
    JobStatus,
    PostTemplate,
    ProviderKind,
    RefineAction,
    TokenUsage,
)
from .prompts import PROMPT_VERSION, draft_prompts, refine_prompts
from .providers import base_url_error, base_url_origin
from .providers.base import (
    BinaryResult,
    DraftRequest,
    Provider,
    ProviderError,
    ProviderRetryableError,
    ProviderUnavailable,
    SourceText,
    StructuredDraft,
)
from .providers.factory import provider_for_settings
from .providers.offline import render_title_card
from .providers.openai_compat import api_key_is_valid
from .selectors import dominant_item_language, material_for_job, month_start, persona_brief, usage_cap_left
from .services_studio import template_snapshot
from .streaming import cancel_requested, job_flags_clear, partial_store

if TYPE_CHECKING:
    from apps.accounts.models import User, Workspace
    from apps.personas.models import Persona
    from apps.trends.models import Trend

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger(__name__)

# The provider settings a workspace edits (ai_settings_update and the API serializer share them).
SETTINGS_FIELDS = (
    "provider",
    "base_url",
    "model",
    "image_model",
    "speech_model",
    "speech_voice",
    "transcription_model",
    "timeout_seconds",
    "monthly_token_cap",
    "price_input_per_1k",
    "price_output_per_1k",
)
EXPECTED_CHARS: dict[str, int] = {
    "article": 3000,
    "thread": 1400,
    "newsletter": 2400,
    "video_script": 1800,
    "podcast_script": 2400,
}
# Local providers yield the whole draft at once: gather deltas for this long so the browser gets a
# few dozen messages, not thousands. Remote providers' tokens are sent as they arrive.
COALESCE_SECONDS = 0.03
CANCEL_CHECK_SECONDS = 0.2
# How often the text so far is stored for browsers that connect mid-run.
PARTIAL_EVERY_SECONDS = 0.5


class JobCancelled(Exception):
    pass


def _event_on_commit(job_id: int, payload: dict[str, Any]) -> None:
    """A job event sent once the transaction commits, through the process's one broadcast loop."""
    transaction.on_commit(lambda: job_event_send(job_id, payload))


# --- provider settings ---------------------------------------------------------------------------


def ai_settings_update(*, user: User, workspace: Workspace, data: dict[str, Any]) -> AIProviderSettings:
    """Change the workspace's provider. A new key replaces the old one; the key is never returned."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    row, _created = AIProviderSettings.objects.get_or_create(workspace=workspace)
    changed: list[str] = []
    if data.get("base_url"):
        problem = base_url_error(str(data["base_url"]))
        if problem:
            raise InvalidInput({"base_url": [problem]})
    old_origin = base_url_origin(row.base_url)
    for key in SETTINGS_FIELDS:
        if key in data and getattr(row, key) != data[key]:
            setattr(row, key, data[key])
            changed.append(key)
    if row.has_key and not (data.get("api_key") or "").strip() and base_url_origin(row.base_url) != old_origin:
        # The stored key was given for the old host: it never follows the base URL somewhere else.
        row.api_key_encrypted, row.api_key_hint = "", ""
        changed += ["api_key_encrypted", "api_key_hint"]
    if row.provider not in ProviderKind.values:
        raise InvalidInput({"provider": [_("Unknown provider.")]})
    if row.provider == ProviderKind.OPENAI and not row.base_url and not (data.get("api_key") or row.has_key):
        raise InvalidInput({"api_key": [_("An API key or a base URL of a local server is needed.")]})
    api_key = (data.get("api_key") or "").strip()
    if api_key and not api_key_is_valid(api_key):
        raise InvalidInput({"api_key": [_("An API key is letters, digits and punctuation, without spaces.")]})
    if api_key:
        row.api_key_encrypted = secret_encrypt(api_key)
        row.api_key_hint = "…" + api_key[-4:] if len(api_key) > 8 else "…"
        changed += ["api_key_encrypted", "api_key_hint"]
    elif data.get("clear_key"):
        row.api_key_encrypted, row.api_key_hint = "", ""
        changed += ["api_key_encrypted", "api_key_hint"]
    row.updated_by = user
    with transaction.atomic():
        row.save()
        audit_log(
            actor=user,
            action="ai_settings.update",
            target=row,
            workspace=workspace,
            data={"fields": [c for c in changed if c != "api_key_encrypted"]},
        )
    return row


# --- starting, cancelling ------------------------------------------------------------------------


def _check_cap(*, workspace: Workspace) -> None:
    left = usage_cap_left(workspace=workspace)
    if left is not None and left <= 0:
        raise Conflict(_("This workspace has used its monthly token allowance. An admin can raise the cap."))


def generation_start(
    *,
    user: User,
    workspace: Workspace,
    persona: Persona | None = None,
    fmt: str = DraftFormat.ARTICLE,
    trend: Trend | None = None,
    item: Item | None = None,
    topic: str = "",
    language: str = "",
    with_image: bool = True,
    with_audio: bool = False,
    template: PostTemplate | None = None,
) -> GenerationJob:
    """Queue a draft from a trend, an item or a free topic, in a persona's voice; a post template sets the
    format, the structure and extra instructions."""
    require_capability(user=user, workspace=workspace, capability=Capability.WRITE)
    for obj, label in ((persona, "persona"), (trend, "trend"), (item, "item"), (template, "template")):
        if obj is not None and obj.workspace_id != workspace.pk:
            raise InvalidInput({label: [_("Not found in this workspace.")]})
    topic = (topic or "").strip()[:500]
    if trend is None and item is None and not topic:
        raise InvalidInput({"topic": [_("Choose a trend or an item, or write a topic.")]})
    if template is not None:
        fmt = template.format
    if fmt not in DraftFormat.values:
        raise InvalidInput({"format": [_("Unknown format.")]})
    _check_cap(workspace=workspace)
    # The persona's language, else the one most of the trend's (or the item's) material is in.
    language = (
        language or (persona.language if persona else "") or dominant_item_language(trend=trend, item=item) or "en"
    )
    with transaction.atomic():
        job = GenerationJob.objects.create(
            workspace=workspace,
            kind=JobKind.GENERATE,
            format=fmt,
            persona=persona,
            trend=trend,
            item=item,
            topic=topic,
            language=language,
            created_by=user,
            prompt_version=PROMPT_VERSION,
            options={
                "image": bool(with_image),
                "audio": bool(with_audio or fmt == DraftFormat.PODCAST_SCRIPT),
                "template": template_snapshot(template),
            },
        )
        audit_log(
            actor=user,
            action="generation.start",
            target=job,
            workspace=workspace,
            data={"format": fmt, "trend": getattr(trend, "pk", None), "item": getattr(item, "pk", None)},
        )
        _enqueue(job)
    return job


def _enqueue(job: GenerationJob) -> None:
    enqueue_on_commit("generation.run", job.pk)


def _can_touch_job(*, user: User, job: GenerationJob) -> None:
    membership = require_capability(user=user, workspace=job.workspace_id, capability=Capability.WRITE)
    if job.created_by_id != user.pk and not membership.can(Capability.EDIT_ANY):
        raise Forbidden(_("Only its author or an editor can change this generation."))


def generation_cancel(*, user: User, job: GenerationJob) -> GenerationJob:
    _can_touch_job(user=user, job=job)
    if job.is_finished:
        raise Conflict(_("This generation has already finished."))
    with transaction.atomic():
        # A queued job is cancelled here; a running one stops at its next check of the flag.
        updated = GenerationJob.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RETRYING]).update(
            status=JobStatus.CANCELLED,
            cancel_requested=True,
            finished_at=timezone.now(),
            error=_("Cancelled before it started."),
        )
        if not updated:
            GenerationJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        audit_log(actor=user, action="generation.cancel", target=job)
        if updated:
            _event_on_commit(
                job.pk,
                {
                    "event": "status",
                    "job": job.pk,
                    "status": JobStatus.CANCELLED,
                    "error": _("Cancelled."),
                },
            )
    job.refresh_from_db()
    return job


# --- refinements ---------------------------------------------------------------------------------


def _can_edit_post(*, user: User, post: Post) -> None:
    require_edit(user=user, post=post)


def refine_start(
    *, user: User, post: Post, action: str = "", target_language: str = "", instruction: str = ""
) -> GenerationJob:
    """Queue a refinement of the post's current text; its result becomes suggestions, never an edit. An
    instruction in the editor's own words ("add a quote from the second source") is a turn of the post's
    refine conversation (action "custom"); the earlier turns go with it to the model."""
    _can_edit_post(user=user, post=post)
    instruction = " ".join((instruction or "").split())[:1000]
    if instruction and not action:
        action = RefineAction.CUSTOM
    if action == RefineAction.CUSTOM and not instruction:
        raise InvalidInput({"instruction": [_("Say what to change.")]})
    if action not in RefineAction.values:
        raise InvalidInput({"action": [_("Unknown refinement.")]})
    if action == RefineAction.TRANSLATE and target_language not in ("en", "ru"):
        raise InvalidInput({"target_language": [_("Choose English or Russian.")]})
    if not (post.body_text or "").strip():
        raise InvalidInput({"post": [_("The post has no text to refine.")]})
    _check_cap(workspace=post.workspace)
    base_revision = post.revisions.order_by("-number").first()
    with transaction.atomic():
        job = GenerationJob.objects.create(
            workspace_id=post.workspace_id,
            kind=JobKind.REFINE,
            post=post,
            base_revision=base_revision,
            persona=post.persona,
            action=action,
            language=target_language or post.language,
            created_by=user,
            prompt_version=PROMPT_VERSION,
            options={"base_version": post.version, "target_language": target_language, "instruction": instruction},
        )
        audit_log(
            actor=user,
            action="generation.refine_start",
            target=job,
            workspace=post.workspace,
            data={"post": post.pk, "action": action},
        )
        _enqueue(job)
    return job


def _refine_suggestions(job: GenerationJob) -> QuerySet[Suggestion]:
    if job.post_id is None:  # the post was deleted: no suggestions left (as filtering on NULL gives)
        return Suggestion.objects.none()
    return Suggestion.objects.filter(post_id=job.post_id, pk__in=job.result.get("suggestions", [])).order_by("pk")


def _refine_decision_update(job: GenerationJob, *, user: User) -> None:
    """The job's decision follows its suggestions: pending while any is, else accepted if any was."""
    states = set(_refine_suggestions(job).values_list("state", flat=True))
    if SuggestionState.PENDING in states:
        return
    decision = Decision.ACCEPTED if SuggestionState.ACCEPTED in states else Decision.REJECTED
    GenerationJob.objects.filter(pk=job.pk, decision=Decision.PENDING).update(
        decision=decision, decided_by=user, decided_at=timezone.now()
    )


def refine_decide(*, user: User, job: GenerationJob, accept: bool, suggestion_id: int | None = None) -> GenerationJob:
    """Accept or reject one of the refinement's suggestions, or all that are still pending. Accepting
    goes through the posts app's suggestion service, so each change becomes a revision of the post."""
    if job.kind != JobKind.REFINE or job.post is None:
        raise InvalidInput({"job": [_("Not a refinement.")]})
    if job.status != JobStatus.SUCCEEDED or job.decision != Decision.PENDING:
        raise Conflict(_("This suggestion is not waiting for a decision."))
    pending = _refine_suggestions(job).filter(state=SuggestionState.PENDING).select_related("post", "author")
    if suggestion_id is not None:
        pending = pending.filter(pk=suggestion_id)
    with transaction.atomic():
        for suggestion in pending:
            if accept:
                suggestion_accept(suggestion=suggestion, user=user)
            else:
                suggestion_reject(suggestion=suggestion, user=user)
        _refine_decision_update(job, user=user)
    job.refresh_from_db()
    return job


def refine_accept(*, user: User, job: GenerationJob, suggestion_id: int | None = None) -> GenerationJob:
    return refine_decide(user=user, job=job, accept=True, suggestion_id=suggestion_id)


def refine_reject(*, user: User, job: GenerationJob, suggestion_id: int | None = None) -> GenerationJob:
    return refine_decide(user=user, job=job, accept=False, suggestion_id=suggestion_id)


# --- posts: created and changed through the posts app's services -----------------------------------


def _job_author(job: GenerationJob) -> User:
    """Who the job's post or suggestions are made as: the person who started it (gone: the job fails)."""
    if job.created_by is None:
        raise Conflict(_("The person who started this generation no longer has an account."))
    return job.created_by


def _post_create_from_draft(*, job: GenerationJob, draft: StructuredDraft, featured: MediaAsset | None = None) -> Post:
    """The Post and its first Revision for a finished draft (posts.services.post_create)."""
    return post_create(
        workspace=job.workspace,
        user=_job_author(job),
        title=draft.title or job.topic or _("Untitled draft"),
        body_json=markup_to_document(draft.body),
        excerpt=(draft.excerpt or None),
        language=job.language,
        tags=[t.lstrip("#") for t in draft.hashtags],
        persona=job.persona,
        trend=job.trend,
        featured_media=featured,
        reason=_("Drafted by AI (%(provider)s, %(model)s)") % {"provider": job.provider, "model": job.model},
    )


def _refine_suggestions_create(*, job: GenerationJob, text: str) -> list[int]:
    """Turn the refined text into suggestions on the post, one per changed block (paragraph, heading,
    list item), so the editor accepts or rejects each change; the post itself is not touched."""
    if job.post_id is None:  # as Post.objects.get(pk=None) would
        raise Post.DoesNotExist("The refined post was deleted.")
    post = Post.objects.get(pk=job.post_id)
    # The text as it is now (the live document when it is edited live): the offsets below point into it.
    old_blocks = post_current_body(post=post)[2].split("\n")
    new_blocks = render_body(body_json=markup_to_document(text))[2].split("\n")
    offsets: list[tuple[int, int]] = []
    pos = 0
    for block in old_blocks:
        offsets.append((pos, pos + len(block)))
        pos += len(block) + 1
    changes: dict[int, str] = {}
    matcher = difflib.SequenceMatcher(a=old_blocks, b=new_blocks, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = list(range(i1, i2)), new_blocks[j1:j2]
        if not olds:  # pure insertion: attach to the block before (or the first block)
            anchor = max(0, i1 - 1)
            base = changes.get(anchor, old_blocks[anchor])
            joined = " ".join(news)
            changes[anchor] = (base + " " + joined).strip() if i1 > 0 else (joined + " " + base).strip()
            continue
        for k, index in enumerate(olds):
            if k < len(news):
                changes[index] = news[k] if k < len(olds) - 1 else " ".join(news[k:])
            else:
                changes[index] = ""
    ids: list[int] = []
    for index in sorted(changes):
        start, end = offsets[index]
        replacement = changes[index]
        if start == end or replacement == old_blocks[index]:
            continue
        suggestion = suggestion_create(
            post=post,
            user=_job_author(job),
            replacement=replacement[:10_000],
            start=start,
            end=end,
            note=(
                _("AI, asked “%(instruction)s”") % {"instruction": job.options["instruction"][:200]}
                if job.options.get("instruction")
                else _("AI refinement: %(action)s") % {"action": job.get_action_display()}
            ),
        )
        ids.append(suggestion.pk)
    return ids


def _markup_of_post(post: Post) -> str:
    """The post as it is now (the live document when edited live), as draft markup."""
    doc, _html, text = post_current_body(post=post)
    return document_to_markup(doc) or text


# --- running -------------------------------------------------------------------------------------


def _settings_of(workspace: Workspace) -> AIProviderSettings | None:
    """The workspace's provider settings, loaded with the job (select_related of the reverse one-to-one)."""
    try:
        return workspace.ai_settings
    except AIProviderSettings.DoesNotExist:
        return None


def _claim(job_id: int, provider: Provider | None) -> tuple[GenerationJob, AIProviderSettings | None, Provider] | None:
    """Move a queued (or retrying) job to running, recording the provider and model that will write it;
    None when someone else has it or it is done. Two queries: the job with everything the run reads
    (workspace settings included), then the conditional update that decides who runs it."""
    claimable = {"status__in": [JobStatus.QUEUED, JobStatus.RETRYING], "cancel_requested": False}
    job = (
        GenerationJob.objects.select_related(
            "workspace",
            "workspace__ai_settings",
            "persona",
            "persona__style_profile",
            "trend",
            "item",
            "item__source",
            "post",
            "post__trend",
            "created_by",
        )
        .filter(pk=job_id, **claimable)
        .first()
    )
    if job is None:
        return None
    ai_settings = _settings_of(job.workspace)
    provider = provider or provider_for_settings(ai_settings)
    now = timezone.now()
    claimed = GenerationJob.objects.filter(pk=job_id, **claimable).update(
        status=JobStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        updated_at=now,
        error="",
        provider=provider.name,
        model=provider.model,
    )
    if not claimed:
        return None
    job.status, job.attempts, job.started_at, job.updated_at, job.error = (
        JobStatus.RUNNING,
        job.attempts + 1,
        now,
        now,
        "",
    )
    job.provider, job.model = provider.name, provider.model
    job_flags_clear(job_id)
    return job, ai_settings, provider


def _refine_history(job: GenerationJob) -> list[str]:
    """The editor's earlier requests on the same post, oldest first (the conversation so far)."""
    if job.post_id is None:
        return []
    earlier = GenerationJob.objects.filter(post_id=job.post_id, kind=JobKind.REFINE, pk__lt=job.pk).order_by("-pk")
    turns: list[str] = []
    for options, action in earlier.values_list("options", "action")[:6]:
        turns.append((options or {}).get("instruction") or str(RefineAction(action).label if action else ""))
    return [t for t in reversed(turns) if t]


def _request_for(job: GenerationJob) -> DraftRequest:
    brief = persona_brief(persona=job.persona)
    if job.kind == JobKind.REFINE:
        post = job.post
        if post is None:
            raise NotFound(_("Post not found."))
        title, keywords, material = material_for_job(job=job)
        text = _markup_of_post(post)
        instruction = job.options.get("instruction", "")
        history = _refine_history(job) if job.action == RefineAction.CUSTOM else []
        system, user = refine_prompts(
            action=job.action,
            persona=brief,
            target_language=job.options.get("target_language", ""),
            text=text,
            instruction=instruction,
            history=history,
            material=material,
        )
        return DraftRequest(
            kind=JobKind.REFINE,
            format=DraftFormat.ARTICLE,
            language=job.language,
            persona=brief,
            system_prompt=system,
            user_prompt=user,
            action=job.action,
            text=text,
            target_language=job.options.get("target_language", ""),
            instruction=instruction,
            history=history,
            title=post.title,
            material=material,
            keywords=keywords,
            max_tokens=max(400, len(text) // 2),
        )
    title, keywords, material = material_for_job(job=job)
    system, user = draft_prompts(
        fmt=job.format,
        persona=brief,
        language=job.language,
        title=title,
        topic=job.topic,
        material=material,
        template=job.options.get("template") or None,
    )
    return DraftRequest(
        kind=JobKind.GENERATE,
        format=job.format,
        language=job.language,
        persona=brief,
        system_prompt=system,
        user_prompt=user,
        topic=job.topic,
        keywords=keywords,
        material=material,
        title=title,
    )


class _Stream:
    """Collects the streamed text, sends deltas to the browser, and notices a cancel request."""

    def __init__(self, job: GenerationJob, *, coalesce: bool, expected_chars: int):
        self.job_id = job.pk
        self.coalesce = coalesce
        self.expected = max(200, expected_chars)
        self.parts: list[str] = []
        self.pending: list[str] = []
        self.chars = 0
        self.seq = 0
        self.last_flush = 0.0
        self.last_partial = 0.0
        self.last_cancel_check = time.monotonic()

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, delta: str) -> None:
        self.parts.append(delta)
        self.pending.append(delta)
        self.chars += len(delta)
        now = time.monotonic()
        if not self.coalesce or now - self.last_flush >= COALESCE_SECONDS:
            self.flush(now)
        if now - self.last_cancel_check >= CANCEL_CHECK_SECONDS:
            self.last_cancel_check = now
            if cancel_requested(self.job_id):
                raise JobCancelled

    def flush(self, now: float | None = None) -> None:
        if not self.pending:
            return
        self.seq += 1
        delta, self.pending = "".join(self.pending), []
        self.last_flush = now or time.monotonic()
        job_event_send(
            self.job_id,
            {
                "event": "delta",
                "seq": self.seq,
                "text": delta,
                "chars": self.chars,
                "progress": round(min(0.95, self.chars / self.expected), 3),
            },
        )
        if self.last_flush - self.last_partial >= PARTIAL_EVERY_SECONDS:
            self.last_partial = self.last_flush
            partial_store(self.job_id, self.text)


def _cost(ai_settings: AIProviderSettings | None, prompt_tokens: int, completion_tokens: int) -> Decimal:
    if ai_settings is None:
        return Decimal("0")
    return (
        Decimal(prompt_tokens) * ai_settings.price_input_per_1k
        + Decimal(completion_tokens) * ai_settings.price_output_per_1k
    ) / Decimal(1000)


def _usage_add(*, workspace_id: int, prompt_tokens: int, completion_tokens: int, cost: Decimal) -> None:
    month = month_start()
    increments = {
        "prompt_tokens": F("prompt_tokens") + prompt_tokens,
        "completion_tokens": F("completion_tokens") + completion_tokens,
        "cost": F("cost") + cost,
        "jobs": F("jobs") + 1,
    }
    if not TokenUsage.objects.filter(workspace_id=workspace_id, month=month).update(**increments):
        # First use this month: the unique constraint makes a concurrent first insert safe.
        TokenUsage.objects.get_or_create(workspace_id=workspace_id, month=month)
        TokenUsage.objects.filter(workspace_id=workspace_id, month=month).update(**increments)


def _timed(clock: list[float], fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    start = time.perf_counter()
    try:
        return fn(*args, **kwargs)
    finally:
        clock[0] += time.perf_counter() - start


def generation_run(*, job_id: int, provider: Provider | None = None) -> GenerationJob | None:
    """Run one job to the end. Raises ProviderRetryableError for the task to retry with backoff."""
    try:
        return _generation_run(job_id=job_id, provider=provider)
    finally:
        # Progress events leave in the background; let them all go before the task reports done.
        job_events_flush()


def _generation_run(*, job_id: int, provider: Provider | None) -> GenerationJob | None:
    started = time.perf_counter()
    claimed = _claim(job_id, provider)
    if claimed is None:
        return None
    job, ai_settings, provider = claimed
    job_event_send(
        job.pk,
        {
            "event": "status",
            "status": JobStatus.RUNNING,
            "attempt": job.attempts,
            "provider": provider.name,
            "model": provider.model,
        },
    )
    model_clock = [0.0]
    stream = _Stream(
        job,
        coalesce=provider.name == "offline",
        expected_chars=len(job.post.body_text) if job.post_id and job.post else EXPECTED_CHARS.get(job.format, 2400),
    )
    try:
        _run_and_finish(
            job=job, provider=provider, ai_settings=ai_settings, stream=stream, clock=model_clock, started=started
        )
    except JobCancelled:
        _stop(
            job=job,
            provider=provider,
            ai_settings=ai_settings,
            status=JobStatus.CANCELLED,
            error=_("Cancelled."),
            text=stream.text,
        )
    except ProviderRetryableError as exc:
        _usage_record(job=job, provider=provider, ai_settings=ai_settings)
        raise exc
    except (ProviderError, Forbidden, NotFound, InvalidInput, Conflict) as exc:
        # Domain errors here mean the job can no longer be finished as asked (the author lost access,
        # the post moved on): a visible failure, not a retry.
        _stop(
            job=job,
            provider=provider,
            ai_settings=ai_settings,
            status=JobStatus.FAILED,
            error=_error_message(exc),
            text=stream.text,
        )
    job.refresh_from_db()
    return job


def _run_and_finish(
    *,
    job: GenerationJob,
    provider: Provider,
    ai_settings: AIProviderSettings | None,
    stream: _Stream,
    clock: list[float],
    started: float,
) -> None:
    """One attempt of a claimed job: the draft streamed, structured, its media made, and all kept."""
    left = usage_cap_left(workspace=job.workspace, settings_row=ai_settings)
    if left is not None and left <= 0:
        raise ProviderError(_("The workspace's monthly token cap is reached."))
    request = _request_for(job)
    text = _draft_stream(provider=provider, request=request, stream=stream, clock=clock)
    if _asks_for_media(job) and cancel_requested(job.pk):
        raise JobCancelled  # before paying for images or speech; otherwise _finish's update notices
    structured = _timed(clock, provider.structure, request, text)
    media = _media_produce(job=job, provider=provider, structured=structured, clock=clock)
    _finish(
        job=job,
        provider=provider,
        structured=structured,
        media=media,
        material=request.material,
        ai_settings=ai_settings,
        model_ms=clock[0] * 1000,
        started=started,
        text=text,
    )


def _draft_stream(*, provider: Provider, request: DraftRequest, stream: _Stream, clock: list[float]) -> str:
    """Stream the provider's draft into `stream` (and so to the editor), adding the time spent waiting
    for the model to `clock`; returns the whole text."""
    iterator = provider.stream_draft(request)
    while True:
        t0 = time.perf_counter()
        try:
            delta = next(iterator)
        except StopIteration:
            clock[0] += time.perf_counter() - t0
            break
        clock[0] += time.perf_counter() - t0
        stream.add(delta)
    stream.flush()
    text = stream.text.strip()
    if not text:
        raise ProviderError(_("The provider returned an empty draft."))
    return text


def _error_message(exc: Exception) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    if hasattr(exc, "messages"):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def _usage_record(*, job: GenerationJob, provider: Provider, ai_settings: AIProviderSettings | None) -> Decimal:
    usage = provider.usage
    cost = _cost(ai_settings, usage.prompt_tokens, usage.completion_tokens)
    if usage.prompt_tokens or usage.completion_tokens:
        GenerationJob.objects.filter(pk=job.pk).update(
            prompt_tokens=F("prompt_tokens") + usage.prompt_tokens,
            completion_tokens=F("completion_tokens") + usage.completion_tokens,
            cost=F("cost") + cost,
        )
        _usage_add(
            workspace_id=job.workspace_id,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            cost=cost,
        )
        usage.prompt_tokens = usage.completion_tokens = 0
    return cost


def generation_mark_retrying(*, job_id: int, error: str, countdown: float) -> None:
    GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.RETRYING, error=error[:2000], updated_at=timezone.now()
    )
    job_event_send(
        job_id, {"event": "status", "status": JobStatus.RETRYING, "error": error, "retry_in": round(countdown, 1)}
    )


def generation_mark_failed(*, job_id: int, error: str) -> None:
    GenerationJob.objects.filter(pk=job_id).exclude(status__in=[JobStatus.SUCCEEDED, JobStatus.CANCELLED]).update(
        status=JobStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )
    job_event_send(job_id, {"event": "status", "status": JobStatus.FAILED, "error": error})
    enqueue_on_commit("generation.report_failed", job_id=job_id)


def generation_report_failed(*, job_id: int) -> bool:
    """Tell whoever started a job that failed for good (queued after the failure commits)."""
    job = GenerationJob.objects.select_related("created_by").filter(pk=job_id, status=JobStatus.FAILED).first()
    if job is None:
        return False
    return bool(generation_failed(job=job))


def _stop(
    *,
    job: GenerationJob,
    provider: Provider,
    ai_settings: AIProviderSettings | None,
    status: str,
    error: str,
    text: str,
) -> None:
    with transaction.atomic():
        _usage_record(job=job, provider=provider, ai_settings=ai_settings)
        GenerationJob.objects.filter(pk=job.pk).update(
            status=status, error=error[:2000], result_text=text, finished_at=timezone.now()
        )
        _event_on_commit(job.pk, {"event": "status", "job": job.pk, "status": status, "error": error})
        if status == JobStatus.FAILED:
            enqueue_on_commit("generation.report_failed", job_id=job.pk)


def _persona_colors(persona: Persona | None) -> list[str] | None:
    """The persona's colour for title cards, or None (the cards then pick one from the title)."""
    return [persona.color] if persona is not None and persona.color else None


class _Media(TypedDict):
    """What _media_produce made for _finish to store."""

    image: BinaryResult | None
    audio: BinaryResult | None
    audio_unavailable: str
    stills: list[tuple[dict[str, Any], bytes]]
    image_error: NotRequired[str]


def _media_produce(
    *, job: GenerationJob, provider: Provider, structured: StructuredDraft, clock: list[float]
) -> _Media:
    """Images, audio and storyboard stills, produced before the database transaction (they are slow)."""
    media: _Media = {"image": None, "audio": None, "audio_unavailable": "", "stills": []}
    if job.kind != JobKind.GENERATE:
        return media
    if job.options.get("image"):
        prompt = _("Editorial illustration for an article titled “%(title)s”. No text.") % {"title": structured.title}
        try:
            media["image"] = _timed(
                clock,
                provider.image,
                prompt=prompt,
                title=structured.title,
                subtitle=job.persona.name if job.persona else "",
                colors=_persona_colors(job.persona),
            )
        except ProviderRetryableError:
            raise
        except ProviderError as exc:
            media["image_error"] = str(exc)
    if job.format == DraftFormat.VIDEO_SCRIPT:
        for scene in structured.scenes:
            png = render_title_card(
                title=scene.get("on_screen_text") or scene["narration"][:80],
                subtitle=scene.get("shot", ""),
                size=(640, 360),
                label=_("Scene %(n)s · %(s)s s") % {"n": scene["number"], "s": scene["duration_seconds"]},
                colors=_persona_colors(job.persona),
            )
            media["stills"].append((scene, png))
    if job.options.get("audio") and job.format == DraftFormat.PODCAST_SCRIPT:
        spoken = re.sub(r"^(##.*|[^:\n]{1,40}:\s*)", "", markup_to_text(structured.body), flags=re.M)
        try:
            media["audio"] = _timed(clock, provider.speech, text=spoken, language=job.language)
        except ProviderRetryableError:
            raise
        except ProviderUnavailable as exc:
            media["audio_unavailable"] = str(exc)
        except ProviderError as exc:
            media["audio_unavailable"] = str(exc)
    return media


def _asset_create(
    *,
    job: GenerationJob,
    post: Post,
    kind: str,
    binary: BinaryResult | None = None,
    name: str = "",
    alt_text: str = "",
    data: dict[str, Any] | None = None,
) -> MediaAsset:
    asset = MediaAsset(
        workspace_id=job.workspace_id,
        post=post,
        kind=kind,
        alt_text=alt_text[:500],
        data=data or {},
        created_by=job.created_by,
    )
    if binary is not None:
        asset.mime_type = binary.mime_type
        asset.size = len(binary.content)
        asset.file.save(f"{name}.{binary.extension}", ContentFile(binary.content), save=False)
    asset.save()
    return asset


def _items_cited(material: list[SourceText], text: str) -> list[dict[str, Any]]:
    """The items the draft quotes (by URL or title), else every item it was written from."""
    items = [m for m in material if m.item_id is not None]
    quoted = [m for m in items if m.url and m.url in text or m.title in text]
    return [{"id": m.item_id, "title": m.title, "url": m.url, "source": m.source_name} for m in quoted or items]


def _featured_assets_create(
    *, job: GenerationJob, post: Post, stem: str, featured: BinaryResult, result: dict[str, Any]
) -> None:
    """The featured image, made the post's, and its other platform sizes (square, story)."""
    image = _asset_create(
        job=job,
        post=post,
        kind=MediaKind.IMAGE,
        binary=featured,
        name=f"{stem}-featured",
        alt_text=featured.alt_text,
        data={"model": featured.model, "role": "featured"},
    )
    post.featured_media = image
    post.save(update_fields=["featured_media"])
    result["image"] = image.pk
    for alternate in featured.alternates:
        variant = _asset_create(
            job=job,
            post=post,
            kind=MediaKind.IMAGE,
            binary=alternate,
            name=f"{stem}-featured-{alternate.model.rsplit(':', 1)[-1]}",
            alt_text=alternate.alt_text,
            data={"model": alternate.model, "role": "featured-variant", "of": image.pk},
        )
        result.setdefault("image_variants", []).append(variant.pk)


def _storyboard_assets_create(
    *, job: GenerationJob, post: Post, stem: str, structured: StructuredDraft, media: _Media, result: dict[str, Any]
) -> None:
    """A video script's storyboard stills, then the script that lists its scenes and stills."""
    still_ids: list[int] = []
    for scene, png in media["stills"]:
        still = _asset_create(
            job=job,
            post=post,
            kind=MediaKind.IMAGE,
            name=f"{stem}-scene{scene['number']}",
            binary=BinaryResult(content=png, mime_type="image/png", extension="png"),
            alt_text=_("Storyboard still for scene %(n)s: %(shot)s")
            % {"n": scene["number"], "shot": scene.get("shot", "")},
            data={"role": "storyboard", "scene": scene["number"]},
        )
        still_ids.append(still.pk)
    script = _asset_create(
        job=job,
        post=post,
        kind=MediaKind.VIDEO_SCRIPT,
        data={
            "scenes": structured.scenes,
            "stills": still_ids,
            "total_seconds": sum(s["duration_seconds"] for s in structured.scenes),
        },
    )
    result["video_script"] = script.pk


def _narration_assets_create(
    *, job: GenerationJob, post: Post, stem: str, narration: BinaryResult, result: dict[str, Any]
) -> None:
    """The podcast's audio and its web encoding (or why there is none)."""
    audio = _asset_create(
        job=job,
        post=post,
        kind=MediaKind.AUDIO,
        binary=narration,
        name=f"{stem}-podcast",
        data={"model": narration.model, "duration_seconds": narration.duration_seconds},
    )
    result["audio"] = audio.pk
    for alternate in narration.alternates:
        web = _asset_create(
            job=job,
            post=post,
            kind=MediaKind.AUDIO,
            binary=alternate,
            name=f"{stem}-podcast",
            data={
                "model": alternate.model,
                "role": "web",
                "of": audio.pk,
                "duration_seconds": alternate.duration_seconds,
            },
        )
        result.setdefault("audio_web", web.pk)
    if narration.note:
        result["audio_web_unavailable"] = narration.note


def _draft_post_create(
    *, job: GenerationJob, structured: StructuredDraft, media: _Media, result: dict[str, Any]
) -> Post:
    """A draft's post with its media; what was made (or could not be) goes into `result`."""
    post = _post_create_from_draft(job=job, draft=structured)
    stem = f"job{job.pk}"
    featured, narration = media["image"], media["audio"]
    if featured is not None:
        _featured_assets_create(job=job, post=post, stem=stem, featured=featured, result=result)
    if media.get("image_error"):
        result["image_error"] = media["image_error"]
    if job.format == DraftFormat.VIDEO_SCRIPT:
        _storyboard_assets_create(job=job, post=post, stem=stem, structured=structured, media=media, result=result)
    if narration is not None:
        _narration_assets_create(job=job, post=post, stem=stem, narration=narration, result=result)
    elif media.get("audio_unavailable"):
        result["audio_unavailable"] = media["audio_unavailable"]
    return post


def _finish(
    *,
    job: GenerationJob,
    provider: Provider,
    structured: StructuredDraft,
    media: _Media,
    material: list[SourceText],
    ai_settings: AIProviderSettings | None,
    model_ms: float,
    started: float,
    text: str,
) -> None:
    """Keep a run that went through: its post and media (a draft) or its suggestions (a refinement),
    the tokens it cost, and the job marked succeeded, all in one transaction."""
    match = _style_match(job.persona, markup_to_text(text)) if job.persona else {}
    usage = provider.usage
    prompt_tokens, completion_tokens = usage.prompt_tokens, usage.completion_tokens
    cost = _cost(ai_settings, prompt_tokens, completion_tokens)
    with transaction.atomic():
        if prompt_tokens or completion_tokens:
            # The job's own counters go with its final update below; the workspace's month here.
            _usage_add(
                workspace_id=job.workspace_id,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                cost=cost,
            )
        result, post_id, decision = _result_for(job=job, structured=structured, media=media, text=text)
        overhead_ms = max(0.0, (time.perf_counter() - started) * 1000 - model_ms)
        # A cancel that arrived after the stream's last check wins: nothing of this run is kept.
        finished = GenerationJob.objects.filter(pk=job.pk, cancel_requested=False).update(
            status=JobStatus.SUCCEEDED,
            result_title=structured.title[:300],
            result_text=text,
            result=result,
            style_match=match,
            items_cited=_items_cited(material, text),
            post_id=post_id,
            decision=decision,
            finished_at=timezone.now(),
            model_ms=round(model_ms),
            overhead_ms=round(overhead_ms),
            error="",
            prompt_tokens=F("prompt_tokens") + prompt_tokens,
            completion_tokens=F("completion_tokens") + completion_tokens,
            cost=F("cost") + cost,
        )
        if not finished:
            raise JobCancelled
        _finished_record(job=job, post_id=post_id, tokens=prompt_tokens + completion_tokens, cost=cost, match=match)
    # Counted once the run is kept; a cancel above rolls back and _stop records them instead.
    usage.prompt_tokens = usage.completion_tokens = 0


def _result_for(
    *, job: GenerationJob, structured: StructuredDraft, media: _Media, text: str
) -> tuple[dict[str, Any], int | None, str]:
    """(the job's result, its post's id, the decision it waits for): a draft makes its post and media,
    a refinement its suggestions on the job's post."""
    result: dict[str, Any] = {
        "hashtags": structured.hashtags,
        "excerpt": structured.excerpt,
        "scenes": structured.scenes,
    }
    if job.kind == JobKind.GENERATE:
        return result, _draft_post_create(job=job, structured=structured, media=media, result=result).pk, ""
    result["suggestions"] = _refine_suggestions_create(job=job, text=text)
    if not result["suggestions"]:
        result["unchanged"] = True
    return result, job.post_id, Decision.PENDING if result["suggestions"] else ""


def _finished_record(*, job: GenerationJob, post_id: int | None, tokens: int, cost: Decimal, match: dict) -> None:
    """The audit entry of a finished run and its last status event (sent on commit)."""
    audit_log(
        actor=job.created_by,
        action="generation.finish",
        target=job,
        data={
            "post": post_id,
            "tokens": job.prompt_tokens + job.completion_tokens + tokens,
            "cost": str(job.cost + cost),
        },
    )
    _event_on_commit(
        job.pk,
        {
            "event": "status",
            "job": job.pk,
            "status": JobStatus.SUCCEEDED,
            "post": post_id,
            "style_score": match.get("score"),
            "progress": 1.0,
        },
    )


def _asks_for_media(job: GenerationJob) -> bool:
    return job.kind == JobKind.GENERATE and (
        bool(job.options.get("image"))
        or job.format == DraftFormat.VIDEO_SCRIPT
        or (bool(job.options.get("audio")) and job.format == DraftFormat.PODCAST_SCRIPT)
    )


def _style_match(persona: Persona, text: str) -> dict[str, Any]:
    """The draft's style match, from the profile loaded with the job (no second query for it)."""
    try:
        profile = persona.style_profile
    except ObjectDoesNotExist:
        return persona_style_match(persona=persona, text=text)  # explains the missing profile
    return style_compare(profile=profile.metrics, phrases=profile.phrases, text=text)


def generation_jobs_reap(*, older_than: dt.timedelta = dt.timedelta(minutes=15), max_attempts: int = 5) -> int:
    """Jobs still "running" long after the task's hard time limit lost their worker (killed, OOM,
    deploy): queue them again, or fail them visibly once they have used up their attempts."""
    cutoff = timezone.now() - older_than
    stale = list(
        GenerationJob.objects.filter(status=JobStatus.RUNNING, started_at__lt=cutoff).values_list("pk", "attempts")
    )
    for pk, attempts in stale:
        with transaction.atomic():
            if attempts >= max_attempts:
                GenerationJob.objects.filter(pk=pk, status=JobStatus.RUNNING).update(
                    status=JobStatus.FAILED,
                    finished_at=timezone.now(),
                    error=_("The worker running this generation stopped, %(n)s times.") % {"n": attempts},
                )
                enqueue_on_commit("generation.report_failed", job_id=pk)
                continue
            moved = GenerationJob.objects.filter(pk=pk, status=JobStatus.RUNNING, started_at__lt=cutoff).update(
                status=JobStatus.RETRYING, error=_("The worker running this generation stopped; trying again.")
            )
            if moved:
                _enqueue(GenerationJob(pk=pk))
    return len(stale)
