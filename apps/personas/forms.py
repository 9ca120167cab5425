from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class LinesField(forms.CharField):
    """A list edited as one item per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class PersonaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    voice = forms.CharField(
        label=_("Voice and tone"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the persona sounds, e.g. “dry, precise, a little wry”."),
    )
    audience = forms.CharField(label=_("Audience"), max_length=255, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    topics = LinesField(label=_("Topics"), required=False, help_text=_("One per line."))
    rules_always = LinesField(
        label=_("Always"),
        required=False,
        help_text=_("One rule per line, e.g. “cite sources” or end with “Stay curious.”"),
    )
    rules_never = LinesField(
        label=_("Never"),
        required=False,
        help_text=_("One rule per line, e.g. “emoji”, “exclamation marks” or “game-changer”."),
    )
    color = forms.RegexField(
        label=_("Colour"),
        regex=r"^#[0-9a-fA-F]{6}$",
        required=False,
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("The persona's badge in lists and the colour of its title cards, video frames and podcast cover."),
    )


class SampleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    source_url = forms.URLField(label=_("Source URL"), required=False, assume_scheme="https")


class StyleCheckForm(forms.Form):
    text = forms.CharField(label=_("Draft text"), widget=forms.Textarea(attrs={"rows": 6}))
