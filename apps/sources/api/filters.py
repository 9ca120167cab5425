"""django-filter sets for the item stream and fetch attempts."""

from __future__ import annotations

import django_filters

from .. import selectors
from ..models import FetchAttempt, FetchOutcome, Item, SourceKind


class ItemFilter(django_filters.FilterSet):
    source = django_filters.NumberFilter(field_name="source_id")
    kind = django_filters.ChoiceFilter(field_name="source__kind", choices=SourceKind.choices)
    language = django_filters.CharFilter(field_name="language")
    published_after = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = django_filters.IsoDateTimeFilter(field_name="published_at", lookup_expr="lt")
    sentiment = django_filters.ChoiceFilter(
        method="filter_sentiment", choices=[("positive", "positive"), ("negative", "negative"), ("neutral", "neutral")]
    )
    duplicates = django_filters.BooleanFilter(
        method="filter_duplicates", help_text="true: include near-duplicates (hidden by default)"
    )
    duplicate_of = django_filters.NumberFilter(field_name="duplicate_of_id")
    q = django_filters.CharFilter(method="filter_q", help_text="full-text search in title and text")
    hidden = django_filters.ChoiceFilter(
        method="filter_hidden",
        choices=[("dropped", "dropped"), ("muted", "muted")],
        help_text="dropped: only items a filter rule dropped; muted: only muted stories (both hidden by default)",
    )

    class Meta:
        model = Item
        fields = ["source", "kind", "language", "published_after", "published_before", "duplicate_of"]

    @property
    def qs(self):
        queryset = super().qs
        wants = self.form.cleaned_data.get("duplicates") if hasattr(self.form, "cleaned_data") else None
        if not wants and not self.form.cleaned_data.get("duplicate_of"):
            queryset = queryset.filter(duplicate_of__isnull=True)
        if not self.form.cleaned_data.get("hidden"):
            queryset = queryset.filter(filter_reason="", muted_at__isnull=True)
        return queryset

    def filter_duplicates(self, queryset, name, value):
        return queryset

    def filter_hidden(self, queryset, name, value):
        if value == "dropped":
            return queryset.exclude(filter_reason="")
        return queryset.filter(muted_at__isnull=False)

    def filter_sentiment(self, queryset, name, value):
        return {
            "positive": queryset.filter(sentiment__gt=0.1),
            "negative": queryset.filter(sentiment__lt=-0.1),
            "neutral": queryset.filter(sentiment__gte=-0.1, sentiment__lte=0.1),
        }.get(value, queryset)

    def filter_q(self, queryset, name, value):
        return selectors.search_items(queryset=queryset, q=value)


class FetchAttemptFilter(django_filters.FilterSet):
    source = django_filters.NumberFilter(field_name="source_id")
    outcome = django_filters.ChoiceFilter(choices=FetchOutcome.choices)
    started_after = django_filters.IsoDateTimeFilter(field_name="started_at", lookup_expr="gte")

    class Meta:
        model = FetchAttempt
        fields = ["source", "outcome", "started_after"]
