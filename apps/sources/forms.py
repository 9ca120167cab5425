"""Forms of the Sources pages (input parsing only; the services decide)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.uploads import max_upload_size

from .models import FetchOutcome, RuleAction, RuleField, SourceKind, SourceTrust
from .opml import MAX_OPML_BYTES

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
    trust = forms.ChoiceField(label=_("Trust"), choices=SourceTrust.choices)
    fulltext = forms.BooleanField(label=_("Fetch each article's full text"), required=False)


# --- one add form per newer kind (the service validates what the fields mean) -------------------


class KindForm(forms.Form):
    kind: str = ""
    title: StrOrPromise = ""
    help_text: StrOrPromise = ""
    name = forms.CharField(label=_("Name (optional)"), max_length=255, required=False)
    fulltext = forms.BooleanField(label=_("Fetch each article's full text"), required=False)

    def fields_for_service(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("name", "fulltext")}


class YouTubeForm(KindForm):
    kind = SourceKind.YOUTUBE
    title = _("YouTube channel or playlist")
    help_text = _("A channel id (UC…) or youtube.com/channel/… URL, or a playlist id or URL (?list=PL…).")
    target = forms.CharField(label=_("Channel or playlist"), max_length=500)


class MastodonForm(KindForm):
    kind = SourceKind.MASTODON
    title = _("Mastodon")
    help_text = _("Public API, no account needed. Trending links and tags are the server's own.")
    instance = forms.CharField(
        label=_("Server"), max_length=500, widget=forms.TextInput(attrs={"placeholder": "mastodon.social"})
    )
    mode = forms.ChoiceField(
        label=_("Follow"),
        choices=[
            ("trend_links", _("Trending links")),
            ("trend_tags", _("Trending tags")),
            ("hashtag", _("A hashtag")),
            ("account", _("An account")),
        ],
    )
    target = forms.CharField(label=_("Hashtag or account"), max_length=300, required=False)


class BlueskyForm(KindForm):
    kind = SourceKind.BLUESKY
    title = _("Bluesky")
    help_text = _("Through the public AppView: a search, an account (handle) or a custom feed (its bsky.app URL).")
    mode = forms.ChoiceField(
        label=_("Follow"),
        choices=[("search", _("A search")), ("author", _("An account")), ("feed", _("A custom feed"))],
    )
    target = forms.CharField(label=_("Query, handle or feed URL"), max_length=500)


class GoogleTrendsForm(KindForm):
    kind = SourceKind.GOOGLE_TRENDS
    title = _("Google Trends daily searches")
    help_text = _("A country's trending searches, used as signals that boost matching trends.")
    target = forms.CharField(
        label=_("Country code"), max_length=8, widget=forms.TextInput(attrs={"placeholder": "US", "size": 4})
    )


class LobstersForm(KindForm):
    kind = SourceKind.LOBSTERS
    title = _("Lobsters-style JSON")
    help_text = _("A Lobsters site (its /hottest.json is read) or any …/hottest.json or …/newest.json URL.")
    target = forms.CharField(label=_("Site or JSON URL"), max_length=2000)


class GitHubReleasesForm(KindForm):
    kind = SourceKind.GITHUB_RELEASES
    title = _("GitHub releases")
    help_text = _("A repository as owner/name or its github.com URL.")
    target = forms.CharField(label=_("Repository"), max_length=300)


class NewsSitemapForm(KindForm):
    kind = SourceKind.NEWS_SITEMAP
    title = _("News sitemap")
    help_text = _("A site without a feed: its Google News sitemap (or a sitemap index that lists it).")
    target = forms.CharField(label=_("Sitemap URL"), max_length=2000)


class WebPageForm(KindForm):
    kind = SourceKind.WEB_PAGE
    title = _("Web page watched for new links")
    help_text = _("A list page of a site without a feed; each new article link is fetched and its text extracted.")
    target = forms.CharField(label=_("Page URL"), max_length=2000)


KIND_FORMS: dict[str, type[KindForm]] = {
    form.kind: form
    for form in (
        YouTubeForm,
        MastodonForm,
        BlueskyForm,
        GoogleTrendsForm,
        LobstersForm,
        GitHubReleasesForm,
        NewsSitemapForm,
        WebPageForm,
    )
}


class RuleForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=RuleAction.choices, initial=RuleAction.DROP)
    field = forms.ChoiceField(label=_("Match on"), choices=RuleField.choices)
    pattern = forms.CharField(label=_("Pattern"), max_length=500)
    source = forms.IntegerField(label=_("Source"), required=False, widget=forms.Select)
    name = forms.CharField(label=_("Name (optional)"), max_length=120, required=False)

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].widget.choices = [("", _("Every source")), *[(s.pk, str(s)) for s in sources]]


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
    hidden = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("Visible items")), ("dropped", _("Dropped by rules")), ("muted", _("Muted stories"))],
    )

    def __init__(self, *args, sources=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].widget.choices = [("", _("All sources")), *[(s.pk, str(s)) for s in sources]]
        self.fields["language"].choices = [("", _("Any language")), *[(code, code) for code in languages]]


class AttemptFilterForm(forms.Form):
    outcome = forms.ChoiceField(required=False, choices=[("", _("Any outcome")), *FetchOutcome.choices])
