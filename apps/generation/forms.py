from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import DraftFormat, PostTemplate, ProviderKind, RefineAction, TemplateKind
from .providers import base_url_error

if TYPE_CHECKING:
    from apps.personas.models import Persona


class GenerateForm(forms.Form):
    persona: forms.ModelChoiceField[Persona] = forms.ModelChoiceField(
        label=_("Persona"), queryset=None, required=False, empty_label=_("No persona")
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=DraftFormat.choices, widget=forms.RadioSelect, initial=DraftFormat.ARTICLE
    )
    topic = forms.CharField(
        label=_("Topic"), max_length=500, required=False, help_text=_("Used when no trend or item is chosen.")
    )
    trend = forms.IntegerField(required=False, widget=forms.HiddenInput)
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("The persona's"))] + list(settings.LANGUAGES), required=False
    )
    with_image = forms.BooleanField(label=_("Featured image"), required=False, initial=True)
    with_audio = forms.BooleanField(label=_("Audio (podcast scripts)"), required=False, initial=True)
    template: forms.ModelChoiceField[PostTemplate] = forms.ModelChoiceField(
        label=_("Template"),
        queryset=None,
        required=False,
        empty_label=_("No template"),
        help_text=_("Sets the structure and the instructions (and the format)."),
    )

    def __init__(self, *args, personas=None, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persona"].queryset = personas
        self.fields["template"].queryset = templates


class RefineForm(forms.Form):
    action = forms.ChoiceField(label=_("Refinement"), choices=RefineAction.choices, widget=forms.RadioSelect)
    target_language = forms.ChoiceField(label=_("Translate into"), choices=settings.LANGUAGES, required=False)


class AISettingsForm(forms.Form):
    provider = forms.ChoiceField(label=_("Provider"), choices=ProviderKind.choices)
    base_url = forms.URLField(
        label=_("Base URL"),
        required=False,
        assume_scheme="https",
        help_text=_("Empty for api.openai.com; e.g. http://localhost:11434/v1 for Ollama."),
    )
    model = forms.CharField(label=_("Text model"), max_length=120, required=False)
    image_model = forms.CharField(label=_("Image model"), max_length=120, required=False)
    speech_model = forms.CharField(label=_("Speech model"), max_length=120, required=False)
    speech_voice = forms.CharField(label=_("Voice"), max_length=40, required=False)
    transcription_model = forms.CharField(
        label=_("Speech-to-text model"),
        max_length=120,
        required=False,
        help_text=_("Whisper-compatible (/v1/audio/transcriptions), used for dictation in the editor."),
    )
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current key."),
    )
    clear_key = forms.BooleanField(label=_("Remove the stored key"), required=False)
    timeout_seconds = forms.IntegerField(label=_("Timeout (s)"), min_value=5, max_value=600)
    monthly_token_cap = forms.IntegerField(
        label=_("Monthly token cap"), min_value=1, required=False, help_text=_("Leave empty for no cap.")
    )
    price_input_per_1k = forms.DecimalField(label=_("Price per 1K input tokens"), min_value=0, decimal_places=6)
    price_output_per_1k = forms.DecimalField(label=_("Price per 1K output tokens"), min_value=0, decimal_places=6)

    def clean_base_url(self) -> str:
        value = self.cleaned_data.get("base_url") or ""
        problem = base_url_error(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


class PostTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=TemplateKind.choices, initial=TemplateKind.CUSTOM)
    format = forms.ChoiceField(label=_("Format"), choices=DraftFormat.choices, initial=DraftFormat.ARTICLE)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    prompt = forms.CharField(
        label=_("Instructions for the AI"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    structure = forms.CharField(
        label=_("Structure"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("The skeleton of the post: '## ' headings, '- ' bullets, '> ' quotes, one per line."),
    )
