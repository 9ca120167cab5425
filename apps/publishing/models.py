"""Channels (a workspace's destination accounts), publications (one post to one channel, the unit the
dispatcher claims), every delivery attempt, engagement figures and the newsletter's subscribers."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class Platform(models.TextChoices):
    SITE = "site", _("Our site (Wagtail)")
    WEBHOOK = "webhook", _("Signed webhook")
    WORDPRESS = "wordpress", _("WordPress")
    MASTODON = "mastodon", _("Mastodon")
    TELEGRAM = "telegram", _("Telegram")
    DISCORD = "discord", _("Discord")
    BLUESKY = "bluesky", _("Bluesky")
    X = "x", _("X (Twitter)")
    LINKEDIN = "linkedin", _("LinkedIn")
    NEWSLETTER = "newsletter", _("E-mail newsletter")


class ChannelHealth(models.TextChoices):
    OK = "ok", _("ok")
    FAILING = "failing", _("failing")
    PAUSED = "paused", _("paused")
    RECONNECT = "reconnect", _("needs reconnecting")
    DISABLED = "disabled", _("disabled")


class Channel(WorkspaceScopedModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    # Non-secret settings: base URL, chat id, author URN, UTM campaign, hashtags...
    config = models.JSONField(_("settings"), default=dict, blank=True)
    # Fernet token of a JSON dict of secrets (see crypto.py); never rendered back to anyone.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    credentials_expire_at = models.DateTimeField(_("credentials expire"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Token bucket: `rate_per_minute` sends per minute with bursts of `rate_burst`.
    rate_per_minute = models.PositiveIntegerField(_("sends per minute"), default=60)
    rate_burst = models.PositiveIntegerField(_("burst"), default=10)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # The authorization is gone (refresh refused, token revoked): a person must connect the account again.
    needs_reconnect = models.BooleanField(_("needs reconnecting"), default=False)
    # Deliveries that failed in a row; at settings.PUBLISHING_PAUSE_AFTER_FAILURES the channel pauses.
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    # A paused channel keeps its publications waiting (pending) until it is resumed.
    paused_at = models.DateTimeField(_("paused"), null=True, blank=True)
    paused_reason = models.TextField(_("why paused"), blank=True)
    last_checked_at = models.DateTimeField(_("last connection test"), null=True, blank=True)
    last_check_ok = models.BooleanField(_("last test passed"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="publishing_channel_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"

    @property
    def health(self) -> str:
        if not self.is_active:
            return ChannelHealth.DISABLED
        if self.needs_reconnect:
            return ChannelHealth.RECONNECT
        if self.paused_at:
            return ChannelHealth.PAUSED
        if self.last_error:
            return ChannelHealth.FAILING
        return ChannelHealth.OK

    @property
    def holds_deliveries(self) -> bool:
        """Publications wait (stay pending) while the channel is paused or needs reconnecting."""
        return bool(self.paused_at or self.needs_reconnect)


class PublicationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLAIMED = "claimed", _("Claimed")
    SENDING = "sending", _("Sending")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    UNCONFIRMED = "unconfirmed", _("Unconfirmed")
    CANCELLED = "cancelled", _("Cancelled")
    UNPUBLISHED = "unpublished", _("Unpublished")


OPEN_STATES = (PublicationState.PENDING, PublicationState.CLAIMED, PublicationState.SENDING)


class Publication(WorkspaceScopedModel, TimeStampedModel):
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="publications")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="publications")
    state = models.CharField(
        _("state"), max_length=20, choices=PublicationState.choices, default=PublicationState.PENDING
    )
    due_at = models.DateTimeField(_("due"))
    # An embargo: never sent before this time, whatever the due time says.
    not_before = models.DateTimeField(_("embargo until"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveIntegerField(default=8)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The rendered parts (one per message of a thread) frozen at scheduling time.
    content = models.JSONField(_("content"), default=dict, blank=True)
    platform_id = models.CharField(_("platform id"), max_length=500, blank=True)
    platform_url = models.URLField(_("URL"), max_length=1000, blank=True)
    # Adapter-specific leftovers needed later (thread ids, cids for delete, etc).
    result = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    metrics_polled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="pub_due_idx"),
            models.Index(fields=["workspace", "due_at"], name="pub_ws_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "channel"],
                condition=models.Q(state__in=["pending", "claimed", "sending", "published", "unconfirmed"]),
                name="publishing_one_live_publication_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.channel_id} ({self.state})"


class AttemptOutcome(models.TextChoices):
    OK = "ok", _("Delivered")
    RETRY = "retry", _("Will retry")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Outcome unknown")
    SKIPPED = "skipped", _("Postponed (rate limit / circuit open)")
    DELETED = "deleted", _("Deleted on the platform")


class PublicationAttempt(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=AttemptOutcome.choices)
    status_code = models.PositiveIntegerField(_("HTTP status"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    worker = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("publication attempt")
        verbose_name_plural = _("publication attempts")

    def __str__(self) -> str:
        return f"{self.publication_id} #{self.number} {self.outcome}"


class EngagementMetric(models.Model):
    """One poll of a publication's figures (cumulative counts at `measured_at`)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="metrics")
    measured_at = models.DateTimeField(_("measured"), db_index=True)
    views = models.PositiveBigIntegerField(default=0)
    likes = models.PositiveBigIntegerField(default=0)
    reposts = models.PositiveBigIntegerField(default=0)
    replies = models.PositiveBigIntegerField(default=0)
    clicks = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["-measured_at"]
        verbose_name = _("engagement figure")
        verbose_name_plural = _("engagement figures")

    def __str__(self) -> str:
        return f"{self.publication_id} @ {self.measured_at:%Y-%m-%d %H:%M}"

    @property
    def total(self) -> int:
        return self.likes + self.reposts + self.replies + self.clicks


class Subscriber(WorkspaceScopedModel, TimeStampedModel):
    email = models.EmailField(_("e-mail"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [models.UniqueConstraint(fields=["workspace", "email"], name="publishing_subscriber_unique")]

    def __str__(self) -> str:
        return self.email
