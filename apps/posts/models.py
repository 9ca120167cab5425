"""Posts, their immutable revisions and media assets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class PostState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Post(WorkspaceScopedModel, TimeStampedModel):
    title = models.CharField(_("title"), max_length=300)
    # The editor's document (ProseMirror/Tiptap JSON); body_html is its sanitized rendering and
    # body_text its plain text, both derived from it on every save.
    body_json = models.JSONField(_("document"), default=dict, blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    body_text = models.TextField(_("plain text"), blank=True)
    excerpt = models.TextField(_("excerpt"), blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    persona = models.ForeignKey(
        "personas.Persona", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    trend = models.ForeignKey("trends.Trend", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts")
    featured_media = models.ForeignKey(
        "posts.MediaAsset", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="authored_posts"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_posts"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=PostState.choices, default=PostState.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Incremented on every saved change; clients send the version they edited (optimistic locking).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["workspace", "state", "-updated_at"])]

    def __str__(self) -> str:
        return self.title


class Revision(models.Model):
    """An immutable copy of a post at one save. Restoring makes a new revision; none is ever changed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    body_json = models.JSONField(default=dict, blank=True)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        constraints = [models.UniqueConstraint(fields=["post", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.number}"


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    AUDIO = "audio", _("Audio")
    VIDEO_SCRIPT = "video_script", _("Video script")


def media_upload_to(instance: MediaAsset, filename: str) -> str:
    return f"media/{instance.workspace_id}/{instance.kind}/{filename}"


class MediaAsset(WorkspaceScopedModel, TimeStampedModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="media")
    kind = models.CharField(_("kind"), max_length=20, choices=MediaKind.choices)
    file = models.FileField(_("file"), upload_to=media_upload_to, blank=True, max_length=500)
    mime_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    alt_text = models.CharField(_("alt text"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("media asset")
        verbose_name_plural = _("media assets")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"
