"""Forms of the Sources pages (input parsing only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import max_upload_size

from .models import FetchOutcome, SourceKind
from .opml import MAX_OPML_BYTES


class AddSourceForm(forms.Form):
    url = forms.CharField(
        label=_("Feed, web page, Hacker News or subreddit URL"),
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "https://example.com/", "inputmode": "url", "size": 50}),
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=255, required=False)


class ChooseFeedForm(forms.Form):
    url = forms.CharField(max_length=2000, widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=SourceKind.choices, widget=forms.HiddenInput)
    name = forms.CharField(max_length=255, required=False, widget=forms.HiddenInput)


class OpmlImportForm(forms.Form):
    # the size the upload handler recorded is checked before the file is read
    file = forms.FileField(label=_("OPML file"), validators=[max_upload_size(MAX_OPML_BYTES)])


class SourceSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=255, required=False)
    min_interval_seconds = forms.IntegerField(
        label=_("Minimum check interval (seconds)"), min_value=60, max_value=86400
    )


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    source = forms.IntegerField(label=_("Source"), required=False, widget=forms.Select)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *SourceKind.choices])
    language = forms.ChoiceField(label=_("Language"), required=False)
    sentiment = forms.ChoiceField(
        label=_("Tone"),
        required=False,
        choices=[
            ("", _("Any tone")),
            ("positive", _("Positive")),
            ("neutral", _("Neutral")),
            ("negative", _("Negative")),
        ],
    )
    days = forms.ChoiceField(
        label=_("Published"),
        required=False,
        choices=[("", _("Any time")), ("1", _("Last 24 hours")), ("7", _("Last 7 days")), ("30", _("Last 30 days"))],
    )
    duplicates = forms.BooleanField(label=_("Show near-duplicates"), required=False)

    def __init__(self, *args, sources=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].widget.choices = [("", _("All sources")), *[(s.pk, str(s)) for s in sources]]
        self.fields["language"].choices = [("", _("Any language")), *[(code, code) for code in languages]]


class AttemptFilterForm(forms.Form):
    outcome = forms.ChoiceField(required=False, choices=[("", _("Any outcome")), *FetchOutcome.choices])
