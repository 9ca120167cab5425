"""Trends: one story told by many sources, ranked by score."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class Trend(WorkspaceScopedModel, TimeStampedModel):
    title = models.CharField(_("title"), max_length=500)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    score = models.FloatField(_("score"), default=0.0, db_index=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("trend")
        verbose_name_plural = _("trends")
        indexes = [models.Index(fields=["workspace", "-score"])]

    def __str__(self) -> str:
        return self.title
