"""The durable side of live editing: an append-only log of Yjs updates per post and the checkpoints
that compaction folds the log into. A room is loaded as checkpoint + every remaining log row."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentUpdate(models.Model):
    """One Yjs update as a client sent it, written before the server acknowledges or relays it."""

    id = models.BigAutoField(primary_key=True)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.BinaryField(_("update"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("document update")
        verbose_name_plural = _("document updates")
        indexes = [models.Index(fields=["post", "id"], name="collab_update_post_id")]

    def __str__(self) -> str:
        return f"{self.post_id}#{self.pk} ({len(self.data)} B)"


class DocumentCheckpoint(models.Model):
    """The post's whole Yjs document as one update, replayed from the log by compaction.

    Compaction deletes exactly the log rows it folded in, so a row committed late (ids are handed out
    before commit) is never skipped; applying a row that is already in the checkpoint is a no-op."""

    post = models.OneToOneField("posts.Post", on_delete=models.CASCADE, primary_key=True, related_name="+")
    state = models.BinaryField(_("document"))
    size = models.PositiveBigIntegerField(default=0)
    updates_folded = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # The log id of the newest update that a Revision snapshot has seen (0 = never snapshotted).
    snapshot_update_id = models.BigIntegerField(default=0)
    snapshot_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("document checkpoint")
        verbose_name_plural = _("document checkpoints")

    def __str__(self) -> str:
        return f"{self.post_id} ({self.size} B)"
