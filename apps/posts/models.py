"""Posts, their immutable revisions and media assets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

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
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    # Bumped at each submission for review, so approvals count per review round.
    review_round = models.PositiveIntegerField(default=0)
    # Incremented on every saved change; clients send the version they edited (optimistic locking).
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["workspace", "state", "-updated_at"])]
        # Object permissions granted per post through django-guardian (sharing).
        permissions = [
            ("view_shared_post", _("Can view a post shared with them")),
            ("comment_shared_post", _("Can comment on a post shared with them")),
            ("edit_shared_post", _("Can edit a post shared with them")),
        ]

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


class PostUserObjectPermission(UserObjectPermissionBase):
    """Direct foreign key for guardian's per-post grants (a real join instead of a generic one)."""

    content_object = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("post share")
        verbose_name_plural = _("post shares")


class ShareLevel(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    COMMENTER = "commenter", _("Commenter")
    EDITOR = "editor", _("Editor")


class EmailShare(models.Model):
    """A share made by e-mail address, recorded (and listed by the address as typed) whether or not the
    address has an account, so the share list reveals nothing. The permissions go to the user whose
    verified address it is: at once, or when someone verifies it later (`user`, `accepted_at`)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="email_shares")
    email = models.EmailField(max_length=254)
    level = models.CharField(max_length=16, choices=ShareLevel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["post", "email"], name="posts_emailshare_unique_address")]
        verbose_name = _("e-mail share")
        verbose_name_plural = _("e-mail shares")

    def __str__(self) -> str:
        return f"{self.email} ({self.level})"


class PostsSettings(models.Model):
    """Editorial workflow settings of one workspace."""

    workspace = models.OneToOneField(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="posts_settings", verbose_name=_("workspace")
    )
    required_approvals = models.PositiveSmallIntegerField(
        _("approvals required"), choices=[(1, _("One approval")), (2, _("Two approvals"))], default=1
    )

    class Meta:
        verbose_name = _("editorial settings")
        verbose_name_plural = _("editorial settings")

    def __str__(self) -> str:
        return f"{self.workspace}: {self.required_approvals}"


class Approval(models.Model):
    """One reviewer's approval in one review round of a post."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    review_round = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "review_round"], name="approval_unique_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} ✓ {self.user}"


class AnchoredModel(models.Model):
    """A range of the post's plain text, kept as the quoted text with context around it (so it can be
    found again after edits) and its last known offsets. See apps/posts/anchors.py."""

    anchor_quote = models.TextField(_("quoted text"), blank=True)
    anchor_prefix = models.CharField(max_length=64, blank=True)
    anchor_suffix = models.CharField(max_length=64, blank=True)
    anchor_start = models.PositiveIntegerField(null=True, blank=True)
    anchor_end = models.PositiveIntegerField(null=True, blank=True)
    # True when the quoted text can no longer be found in the post (it was deleted or rewritten).
    anchor_lost = models.BooleanField(default=False)
    # Where the range sits in the live shared document ({"from": ..., "to": ...}, Yjs relative
    # positions as JSON): the live editor shows the anchor there, on the characters it was put on.
    anchor_relative = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True


class Comment(AnchoredModel, TimeStampedModel):
    """A thread (parent is null) anchored to a range of the text, or a reply in a thread."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["post", "parent", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class SuggestionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class Suggestion(AnchoredModel, TimeStampedModel):
    """A proposed replacement of a range of the text, accepted or rejected by an editor."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    replacement = models.TextField(_("replacement"), blank=True)
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=SuggestionState.choices, default=SuggestionState.PENDING, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")

    def __str__(self) -> str:
        return f"{self.anchor_quote[:30]} → {self.replacement[:30]}"
