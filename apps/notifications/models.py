"""What went wrong, told to the people who can fix it: one row per person and event (repeats of the same
event collapse into the unread row and count up), and each person's preferences per kind.

Rows store the kind and its parameters, never a rendered sentence: the text is rendered when it is shown
or e-mailed, in the reader's language (apps.notifications.texts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    # The editorial work on posts (reported by apps.posts).
    POST_ASSIGNED = "post_assigned", _("A post is assigned to you")
    POST_SHARED = "post_shared", _("A post is shared with you")
    POST_MENTION = "post_mention", _("Someone mentions you")
    POST_COMMENT = "post_comment", _("A comment on your post")
    POST_REPLY = "post_reply", _("A reply in your thread")
    POST_SUGGESTION = "post_suggestion", _("A suggested change to your post")
    SUGGESTION_ACCEPTED = "suggestion_accepted", _("Your suggestion is accepted")
    SUGGESTION_REJECTED = "suggestion_rejected", _("Your suggestion is rejected")
    REVIEW_REQUESTED = "review_requested", _("A post is submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes are requested")
    POST_APPROVED = "post_approved", _("A post is approved")
    REVIEW_REOPENED = "review_reopened", _("An approved post changed and needs a new review")
    POST_SCHEDULED = "post_scheduled", _("A post is scheduled")
    POST_PUBLISHED = "post_published", _("A post is published")
    POST_UNPUBLISHED = "post_unpublished", _("A post is unpublished")
    POST_ARCHIVED = "post_archived", _("A post is archived")
    POST_TO_DRAFT = "post_to_draft", _("A post is moved back to draft")
    # What went wrong (reported by publishing, sources and generation).
    PUBLICATION_FAILED = "publication_failed", _("A publication failed")
    PUBLICATION_UNCONFIRMED = "publication_unconfirmed", _("A publication is unconfirmed")
    CHANNEL_RECONNECT = "channel_reconnect", _("A channel needs reconnecting")
    SOURCE_FAILING = "source_failing", _("A source keeps failing")
    GENERATION_FAILED = "generation_failed", _("A generation failed")


class EmailMode(models.TextChoices):
    OFF = "off", _("No e-mail")
    IMMEDIATE = "immediate", _("Right away")
    DIGEST = "digest", _("In a digest")


# Kinds that ask the person to do something now are e-mailed right away unless they choose otherwise;
# the rest wait for the digest.
IMMEDIATE_BY_DEFAULT = frozenset(
    {Kind.POST_ASSIGNED, Kind.POST_SHARED, Kind.POST_MENTION, Kind.REVIEW_REQUESTED, Kind.CHANGES_REQUESTED}
)


def default_email(kind: str) -> str:
    return EmailMode.IMMEDIATE if kind in IMMEDIATE_BY_DEFAULT else EmailMode.DIGEST


class Notification(models.Model):
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # What the event is about ("publication:12"): repeats with the same key collapse while unread.
    key = models.CharField(_("about"), max_length=120)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    count = models.PositiveIntegerField(_("times"), default=1)
    in_app = models.BooleanField(_("shown in the app"), default=True)
    # Told as someone the reporting app let in although they are not a member (a post shared with
    # them): listed without membership, withdrawn by that app when the access ends.
    guest = models.BooleanField(_("guest"), default=False)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("first"), auto_now_add=True)
    last_at = models.DateTimeField(_("last"), db_index=True)

    class Meta:
        ordering = ["-last_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at", "-last_at"], name="notif_recipient_unread"),
            models.Index(fields=["recipient", "kind", "key"], name="notif_recipient_key"),
            models.Index(fields=["email", "emailed_at"], name="notif_email_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.recipient_id}"


class Preference(models.Model):
    """One person's choice for one kind (no row: shown in the app, e-mailed as default_email says)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.CharField(_("e-mail"), max_length=10, choices=EmailMode.choices, default=EmailMode.DIGEST)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.in_app}/{self.email}"
