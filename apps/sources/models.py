"""Sources (feeds and APIs we poll), the items they yield, and a record of every fetch attempt."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS / Atom / RDF feed")
    JSON_FEED = "json_feed", _("JSON Feed")
    HACKER_NEWS = "hacker_news", _("Hacker News")
    REDDIT = "reddit", _("Reddit")


class SourceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    FAILING = "failing", _("Failing")


class Source(WorkspaceScopedModel, TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices, default=SourceKind.FEED)
    name = models.CharField(_("name"), max_length=255, blank=True)
    url = models.URLField(_("URL"), max_length=2000)
    site_url = models.URLField(_("site URL"), max_length=2000, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Hacker News: "top", "new" or "best"; Reddit: "hot" or "new".
    listing = models.CharField(_("listing"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=SourceStatus.choices, default=SourceStatus.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Scheduling
    interval_seconds = models.PositiveIntegerField(_("check interval (s)"), default=1800)
    min_interval_seconds = models.PositiveIntegerField(_("minimum interval (s)"), default=300)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_fetched_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_new_item_at = models.DateTimeField(_("last new item"), null=True, blank=True)

    # Conditional GET
    etag = models.CharField(_("ETag"), max_length=512, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=128, blank=True)
    body_hash = models.CharField(_("body hash"), max_length=64, blank=True)

    item_count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "url", "listing"], name="sources_source_unique_url"),
        ]
        indexes = [models.Index(fields=["status", "next_check_at"])]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def host(self) -> str:
        from urllib.parse import urlsplit

        return (urlsplit(self.url).hostname or "").lower()


class Item(WorkspaceScopedModel):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items", verbose_name=_("source"))
    guid = models.CharField(_("source id"), max_length=1000)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    canonical_url = models.CharField(_("canonical URL"), max_length=2000)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    author = models.CharField(_("author"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    summary_html = models.TextField(_("summary"), blank=True)
    content_html = models.TextField(_("content"), blank=True)
    text = models.TextField(_("text"), blank=True)
    image_url = models.URLField(_("image"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True, db_index=True)
    sentiment = models.FloatField(_("sentiment"), default=0.0)
    score = models.IntegerField(_("points"), null=True, blank=True)
    comments = models.IntegerField(_("comments"), null=True, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True)
    # 64 MinHash values (uint32), for near-duplicate detection (datasketch LSH).
    minhash = models.JSONField(_("MinHash signature"), default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "canonical_url"], name="sources_item_unique_canonical_url"),
            models.UniqueConstraint(fields=["source", "guid"], name="sources_item_unique_source_guid"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-published_at"]),
            models.Index(fields=["workspace", "duplicate_of"]),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    @property
    def created_at(self):
        return self.fetched_at


class FetchOutcome(models.TextChoices):
    OK = "ok", _("Fetched")
    NOT_MODIFIED = "not_modified", _("Not modified")
    UNCHANGED = "unchanged", _("Unchanged body")
    ERROR = "error", _("Error")


class FetchAttempt(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("source"))
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=FetchOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    bytes_received = models.PositiveIntegerField(_("bytes"), default=0)
    items_found = models.PositiveIntegerField(_("items found"), default=0)
    items_new = models.PositiveIntegerField(_("new items"), default=0)
    items_updated = models.PositiveIntegerField(_("updated items"), default=0)
    items_duplicate = models.PositiveIntegerField(_("near-duplicates"), default=0)
    error = models.TextField(_("error"), blank=True)
    final_url = models.CharField(_("final URL"), max_length=2000, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fetch attempt")
        verbose_name_plural = _("fetch attempts")
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
