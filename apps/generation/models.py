"""Generation jobs, token usage and provider settings."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class ProviderKind(models.TextChoices):
    OFFLINE = "offline", _("Offline (built in, no key)")
    OPENAI = "openai", _("OpenAI-compatible API")


class AIProviderSettings(TimeStampedModel):
    """One workspace's AI provider. The API key is stored encrypted and never shown again."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="ai_settings", verbose_name=_("workspace")
    )
    provider = models.CharField(_("provider"), max_length=16, choices=ProviderKind.choices, default="offline")
    base_url = models.URLField(_("base URL"), max_length=500, blank=True)
    model = models.CharField(_("text model"), max_length=120, blank=True, default="gpt-4o-mini")
    image_model = models.CharField(_("image model"), max_length=120, blank=True, default="gpt-image-1")
    speech_model = models.CharField(_("speech model"), max_length=120, blank=True, default="gpt-4o-mini-tts")
    speech_voice = models.CharField(_("voice"), max_length=40, blank=True, default="alloy")
    transcription_model = models.CharField(
        _("speech-to-text model"), max_length=120, blank=True, default="whisper-1", help_text=_("For dictation.")
    )
    api_key_encrypted = models.TextField(blank=True)
    api_key_hint = models.CharField(_("key"), max_length=16, blank=True)
    timeout_seconds = models.PositiveIntegerField(_("timeout (s)"), default=60)
    monthly_token_cap = models.PositiveBigIntegerField(
        _("monthly token cap"), null=True, blank=True, help_text=_("Leave empty for no cap.")
    )
    price_input_per_1k = models.DecimalField(
        _("price per 1K input tokens"), max_digits=10, decimal_places=6, default=Decimal("0")
    )
    price_output_per_1k = models.DecimalField(
        _("price per 1K output tokens"), max_digits=10, decimal_places=6, default=Decimal("0")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("AI provider settings")
        verbose_name_plural = _("AI provider settings")

    def __str__(self) -> str:
        return f"{self.workspace}: {self.get_provider_display()}"

    @property
    def has_key(self) -> bool:
        return bool(self.api_key_encrypted)


class JobKind(models.TextChoices):
    GENERATE = "generate", _("Draft")
    REFINE = "refine", _("Refine")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    RETRYING = "retrying", _("Waiting to retry")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class DraftFormat(models.TextChoices):
    ARTICLE = "article", _("Article")
    THREAD = "thread", _("Social thread")
    NEWSLETTER = "newsletter", _("Newsletter")
    VIDEO_SCRIPT = "video_script", _("Video script")
    PODCAST_SCRIPT = "podcast_script", _("Podcast script")


class RefineAction(models.TextChoices):
    SHORTER = "shorter", _("Shorter")
    LONGER = "longer", _("Longer")
    FORMAL = "formal", _("More formal")
    CASUAL = "casual", _("More casual")
    PERSONA = "persona", _("In the persona's voice")
    TRANSLATE = "translate", _("Translate")
    GRAMMAR = "grammar", _("Fix grammar")
    SPLIT = "split", _("Split long sentences")
    DEDUPE = "dedupe", _("Remove repetition")
    REORDER = "reorder", _("Lead with the strongest paragraph")
    CUSTOM = "custom", _("Your instruction")


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class GenerationJob(WorkspaceScopedModel, TimeStampedModel):
    """One run of the model: a draft from a trend, an item or a topic, or a refinement of a post.

    A refinement never touches the post: its result waits as a suggestion until an editor accepts it."""

    kind = models.CharField(_("kind"), max_length=12, choices=JobKind.choices, default=JobKind.GENERATE)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    format = models.CharField(_("format"), max_length=20, choices=DraftFormat.choices, default=DraftFormat.ARTICLE)
    persona = models.ForeignKey(
        "personas.Persona",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("persona"),
    )
    trend = models.ForeignKey(
        "trends.Trend", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("trend")
    )
    item = models.ForeignKey(
        "sources.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("item")
    )
    topic = models.CharField(_("topic"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    options = models.JSONField(_("options"), default=dict, blank=True)
    # Refinements: the post and revision they started from, and what to do.
    post = models.ForeignKey(
        "posts.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("post")
    )
    base_revision = models.ForeignKey(
        "posts.Revision", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("refinement"), max_length=12, choices=RefineAction.choices, blank=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The result.
    result_title = models.CharField(_("title"), max_length=300, blank=True)
    result_text = models.TextField(_("text"), blank=True)
    result = models.JSONField(_("structured result"), default=dict, blank=True)
    style_match = models.JSONField(_("style match"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Provenance.
    items_cited = models.JSONField(_("items cited"), default=list, blank=True)
    provider = models.CharField(_("provider"), max_length=16, blank=True)
    model = models.CharField(_("model"), max_length=120, blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=20, blank=True)
    prompt_tokens = models.PositiveIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveIntegerField(_("completion tokens"), default=0)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=6, default=Decimal("0"))
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    model_ms = models.PositiveIntegerField(_("model time (ms)"), default=0)
    overhead_ms = models.PositiveIntegerField(_("overhead (ms)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("generation job")
        verbose_name_plural = _("generation jobs")
        indexes = [models.Index(fields=["workspace", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def subject(self) -> str:
        if self.result_title:
            return self.result_title
        for related in (self.trend, self.item, self.post):
            if related is not None:
                return str(related)
        return self.topic

    @property
    def group_name(self) -> str:
        return f"generation.job.{self.pk}"


class TokenUsage(WorkspaceScopedModel):
    """Tokens and cost a workspace spent in one calendar month (the cap is checked against it)."""

    month = models.DateField(_("month"))
    prompt_tokens = models.PositiveBigIntegerField(_("prompt tokens"), default=0)
    completion_tokens = models.PositiveBigIntegerField(_("completion tokens"), default=0)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=6, default=Decimal("0"))
    jobs = models.PositiveIntegerField(_("jobs"), default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("token usage")
        verbose_name_plural = _("token usage")
        constraints = [models.UniqueConstraint(fields=["workspace", "month"], name="generation_usage_unique_month")]

    def __str__(self) -> str:
        return f"{self.workspace_id} {self.month:%Y-%m}"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class VideoAspect(models.TextChoices):
    LANDSCAPE = "16:9", _("Landscape 16:9 (YouTube, web)")
    PORTRAIT = "9:16", _("Portrait 9:16 (Shorts, Reels, TikTok)")
    SQUARE = "1:1", _("Square 1:1 (feeds)")


def video_upload_to(instance: VideoRender, filename: str) -> str:
    return f"media/{instance.workspace_id}/video/{filename}"


class VideoRender(WorkspaceScopedModel, TimeStampedModel):
    """One MP4 rendered by ffmpeg from a post's video script (scene title cards + narration), with its
    WebVTT captions. Rendered by a Celery task that reports its progress on the row."""

    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, related_name="video_renders", verbose_name=_("post")
    )
    script = models.ForeignKey("posts.MediaAsset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    aspect = models.CharField(_("aspect"), max_length=8, choices=VideoAspect.choices, default=VideoAspect.LANDSCAPE)
    status = models.CharField(
        _("status"), max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED, db_index=True
    )
    progress = models.FloatField(_("progress"), default=0.0)
    stage = models.CharField(_("stage"), max_length=120, blank=True)
    file = models.FileField(_("video"), upload_to=video_upload_to, blank=True, max_length=500)
    captions = models.FileField(_("captions"), upload_to=video_upload_to, blank=True, max_length=500)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    duration_seconds = models.FloatField(_("duration (s)"), default=0.0)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("video render")
        verbose_name_plural = _("video renders")

    def __str__(self) -> str:
        return f"{self.aspect} #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES


class TemplateKind(models.TextChoices):
    LISTICLE = "listicle", _("Listicle")
    EXPLAINER = "explainer", _("Explainer")
    BREAKING = "breaking", _("Breaking news")
    NEWSLETTER = "newsletter", _("Newsletter issue")
    THREAD = "thread", _("Thread")
    CUSTOM = "custom", _("Custom")


class PostTemplate(WorkspaceScopedModel, TimeStampedModel):
    """A reusable post structure and drafting prompt of a workspace: picked when generating a draft (the
    model follows its prompt and structure) or when starting a post by hand (the structure is the body)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=TemplateKind.choices, default=TemplateKind.CUSTOM)
    format = models.CharField(_("format"), max_length=20, choices=DraftFormat.choices, default=DraftFormat.ARTICLE)
    description = models.CharField(_("description"), max_length=300, blank=True)
    prompt = models.TextField(
        _("instructions for the AI"), blank=True, help_text=_("How drafts from this template are written.")
    )
    structure = models.TextField(
        _("structure"),
        blank=True,
        help_text=_("The skeleton of the post: '## ' headings, '- ' bullets, '> ' quotes, one per line."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("post template")
        verbose_name_plural = _("post templates")
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="generation_template_unique_name")]

    def __str__(self) -> str:
        return self.name
