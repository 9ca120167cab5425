"""Trends: one story told by many sources, ranked by score; their items, history and ranking settings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel

from .rising import why_rising


class TrendStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MERGED = "merged", _("Merged")
    ARCHIVED = "archived", _("Archived")


class Topic(WorkspaceScopedModel, TimeStampedModel):
    """A subject the newsroom follows; trends whose words match its keywords are tagged with it."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="trends_topic_unique_slug")]

    def __str__(self) -> str:
        return self.name


class Trend(WorkspaceScopedModel, TimeStampedModel):
    title = models.CharField(_("title"), max_length=500)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    score = models.FloatField(_("score"), default=0.0, db_index=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, db_index=True)

    status = models.CharField(
        _("status"), max_length=12, choices=TrendStatus.choices, default=TrendStatus.ACTIVE, db_index=True
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    source_count = models.PositiveIntegerField(_("sources"), default=0)
    domain_count = models.PositiveIntegerField(_("domains"), default=0)
    duplicate_count = models.PositiveIntegerField(_("near-duplicates"), default=0)
    rate_last_hour = models.FloatField(_("items in the last hour"), default=0.0)
    velocity = models.FloatField(_("velocity factor"), default=1.0)
    diversity = models.FloatField(_("diversity factor"), default=1.0)
    decay = models.FloatField(_("decayed weight"), default=0.0)
    ranked_at = models.DateTimeField(_("ranked"), null=True, blank=True)
    # Sum of the members' hashed TF-IDF vectors, pruned to the strongest features: {feature: weight}.
    centroid = models.JSONField(_("centroid"), default=dict, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="trends", verbose_name=_("topics"))
    # Mean of the members' embeddings (float32 bytes) over `embedded_count` members; empty when off.
    embedding = models.BinaryField(_("embedding"), blank=True, default=b"")
    embedded_count = models.PositiveIntegerField(_("embedded items"), default=0)
    # What the sources' engagement signals and Google searches add to the score (see services/signals.py), and
    # which of them moved it: {"top": [{"kind", "signal", "value", "items"}], "search": [{"term", "traffic", "geo"}]}.
    engagement_factor = models.FloatField(_("engagement factor"), default=1.0)
    search_factor = models.FloatField(_("search factor"), default=1.0)
    signals = models.JSONField(_("signals"), default=dict, blank=True)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("trend")
        verbose_name_plural = _("trends")
        indexes = [
            models.Index(fields=["workspace", "-score"]),
            models.Index(fields=["workspace", "status", "-last_seen_at"], name="trends_ws_status_seen"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def why_rising(self) -> list[str]:
        """The signals that moved the trend, as phrases ("320 HN points", "Google searches 50K+ for …")."""
        return why_rising(self.signals)


class TrendItem(models.Model):
    """One item in one trend. Near-duplicates are kept (counted=False) but count once."""

    trend = models.ForeignKey(Trend, on_delete=models.CASCADE, related_name="trend_items", verbose_name=_("trend"))
    item = models.OneToOneField(
        "sources.Item", on_delete=models.CASCADE, related_name="trend_item", verbose_name=_("item")
    )
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    # Denormalized from the item so ranking reads one table.
    source_id_copy = models.BigIntegerField(_("source id"), default=0)
    domain = models.CharField(_("domain"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    similarity = models.FloatField(_("similarity"), default=1.0)
    counted = models.BooleanField(_("counted"), default=True)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("trend item")
        verbose_name_plural = _("trend items")
        indexes = [
            models.Index(fields=["trend", "-published_at"]),
            models.Index(fields=["workspace", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.trend_id}:{self.item_id}"


class ItemEmbedding(models.Model):
    """An item's text embedding (unit float32 vector as bytes) and the provider/model that made it."""

    item = models.OneToOneField(
        "sources.Item", on_delete=models.CASCADE, primary_key=True, related_name="embedding", verbose_name=_("item")
    )
    model = models.CharField(_("model"), max_length=64)
    vector = models.BinaryField(_("vector"))

    class Meta:
        verbose_name = _("item embedding")
        verbose_name_plural = _("item embeddings")

    def __str__(self) -> str:
        return f"{self.item_id} ({self.model})"


class EmbeddingProvider(models.TextChoices):
    OFFLINE = "offline", _("Built-in (offline, English)")
    OPENAI = "openai", _("OpenAI-compatible endpoint")
    NONE = "none", _("Off (words only)")


class TrendSnapshot(models.Model):
    """A trend's score and size at one ranking tick, for sparklines and the timeline."""

    trend = models.ForeignKey(Trend, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("trend"))
    taken_at = models.DateTimeField(_("time"), db_index=True)
    score = models.FloatField(_("score"))
    item_count = models.PositiveIntegerField(_("items"))
    source_count = models.PositiveIntegerField(_("sources"), default=0)
    rate_last_hour = models.FloatField(_("items in the last hour"), default=0.0)

    class Meta:
        ordering = ["trend", "taken_at"]
        verbose_name = _("trend snapshot")
        verbose_name_plural = _("trend snapshots")
        indexes = [models.Index(fields=["trend", "taken_at"])]

    def __str__(self) -> str:
        return f"{self.trend_id} @ {self.taken_at:%Y-%m-%d %H:%M}: {self.score:.2f}"


class TrendSettings(models.Model):
    """Per-workspace clustering and ranking knobs (created with defaults on first use)."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="trend_settings", verbose_name=_("workspace")
    )
    half_life_hours = models.FloatField(_("half-life (hours)"), default=6.0)
    baseline_rate = models.FloatField(
        _("baseline rate (items/hour)"),
        default=0.5,
        help_text=_("Floor of the hourly rate a trend's last hour is compared with."),
    )
    velocity_weight = models.FloatField(_("velocity weight"), default=1.0)
    diversity_weight = models.FloatField(_("diversity weight"), default=0.5)
    signal_weight = models.FloatField(
        _("engagement weight"),
        default=1.0,
        help_text=_("How much the sources' engagement (points, reposts, views…) per hour lifts a trend."),
    )
    search_weight = models.FloatField(
        _("search weight"), default=0.5, help_text=_("How much a matching Google Trends search term lifts a trend.")
    )
    # {"<source id>": weight}; unlisted sources weigh 1.
    source_weights = models.JSONField(_("source weights"), default=dict, blank=True)
    similarity_threshold = models.FloatField(_("similarity threshold"), default=0.25)
    merge_threshold = models.FloatField(_("merge threshold"), default=0.5)
    window_hours = models.PositiveIntegerField(_("clustering window (hours)"), default=72)
    embedding_provider = models.CharField(
        _("embeddings"), max_length=12, choices=EmbeddingProvider.choices, default=EmbeddingProvider.OFFLINE
    )
    embedding_url = models.URLField(
        _("embeddings endpoint"), blank=True, help_text=_("API root of an OpenAI-compatible /v1/embeddings service.")
    )
    embedding_model = models.CharField(_("embeddings model"), max_length=120, blank=True)
    embedding_api_key = models.TextField(_("embeddings API key (encrypted)"), blank=True)
    # Clustering state: document frequencies of the hashed features (zlib-compressed int32 array).
    document_count = models.PositiveIntegerField(_("documents seen"), default=0)
    document_frequencies = models.BinaryField(_("document frequencies"), blank=True, default=b"")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("trend settings")
        verbose_name_plural = _("trend settings")

    def __str__(self) -> str:
        return f"{self.workspace}"

    def weight_for_source(self, source_id: int) -> float:
        try:
            return float(self.source_weights.get(str(source_id), 1.0))
        except (TypeError, ValueError):
            return 1.0
