"""Personas: the author voices AI drafts are written in."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class Persona(WorkspaceScopedModel, TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    voice = models.TextField(_("voice and tone"), blank=True)
    audience = models.CharField(_("audience"), max_length=255, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    topics = models.JSONField(_("topics"), default=list, blank=True)
    rules_always = models.JSONField(_("always"), default=list, blank=True)
    rules_never = models.JSONField(_("never"), default=list, blank=True)
    color = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #1f6feb."))],
        help_text=_("Used for the persona's badge and its title cards, e.g. #1f6feb."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("persona")
        verbose_name_plural = _("personas")
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="persona_unique_name")]

    def __str__(self) -> str:
        return self.name


class PersonaSample(TimeStampedModel):
    """A text written in the persona's voice; the style profile is learned from these."""

    persona = models.ForeignKey(Persona, on_delete=models.CASCADE, related_name="samples", verbose_name=_("persona"))
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    source_url = models.URLField(_("source URL"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sample text")
        verbose_name_plural = _("sample texts")

    def __str__(self) -> str:
        return self.title or self.text[:60]


class StyleProfile(models.Model):
    """Measures of the persona's writing, learned from its samples and its published posts."""

    persona = models.OneToOneField(
        Persona, on_delete=models.CASCADE, related_name="style_profile", verbose_name=_("persona")
    )
    # sentence length, vocabulary richness, formality, reading level, emoji and hashtag habits, ...
    metrics = models.JSONField(_("measures"), default=dict, blank=True)
    phrases = models.JSONField(_("characteristic phrases"), default=list, blank=True)
    sample_count = models.PositiveIntegerField(_("samples"), default=0)
    post_count = models.PositiveIntegerField(_("published posts"), default=0)
    word_count = models.PositiveIntegerField(_("words"), default=0)
    computed_at = models.DateTimeField(_("learned"), null=True, blank=True)

    class Meta:
        verbose_name = _("style profile")
        verbose_name_plural = _("style profiles")

    def __str__(self) -> str:
        return f"{self.persona} style"
