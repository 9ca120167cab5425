from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenerationConfig(AppConfig):
    """AI drafting: the generation part of posts, kept as its own app so it migrates independently."""

    name = "apps.generation"
    label = "generation"
    verbose_name = _("AI generation")
