"""API shapes for sources, items and fetch attempts (input serializers separate from output)."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.uploads import max_upload_size

from ..models import FetchAttempt, Item, Source, SourceKind, SourceTrust
from ..opml import MAX_OPML_BYTES


class SourceSerializer(serializers.ModelSerializer):
    host = serializers.CharField(read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "kind",
            "name",
            "url",
            "host",
            "site_url",
            "description",
            "listing",
            "options",
            "trust",
            "fulltext",
            "status",
            "interval_seconds",
            "min_interval_seconds",
            "next_check_at",
            "last_fetched_at",
            "last_success_at",
            "last_new_item_at",
            "consecutive_failures",
            "last_error",
            "item_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SourceCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False, allow_blank=True, default="")
    discover = serializers.BooleanField(
        default=True, help_text="Fetch the URL first: a web page's feeds are discovered, a feed's title is read."
    )
    # The metaclass pops declared fields off the class, so `fields` does not shadow Serializer.fields.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        default=dict,
        help_text=(
            "For youtube, mastodon, bluesky, google_trends, lobsters, github_releases, news_sitemap and "
            "web_page: the kind's own fields (target; mastodon also instance and mode; bluesky mode). "
            "url is then ignored."
        ),
    )
    fulltext = serializers.BooleanField(default=False, help_text="Fetch each new item's article and extract its text.")


class SourceUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    url = serializers.CharField(max_length=2000, required=False)
    min_interval_seconds = serializers.IntegerField(required=False, min_value=60, max_value=86400)
    trust = serializers.ChoiceField(choices=SourceTrust.choices, required=False)
    fulltext = serializers.BooleanField(required=False)


class FeedCandidateSerializer(serializers.Serializer):
    url = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()


class OpmlImportSerializer(serializers.Serializer):
    # the size the upload handler recorded is checked before the file is read
    file = serializers.FileField(validators=[max_upload_size(MAX_OPML_BYTES)])


class OpmlImportResultSerializer(serializers.Serializer):
    created = SourceSerializer(many=True)
    skipped = serializers.ListField(child=serializers.CharField())


class SourceBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "name", "kind", "url"]
        read_only_fields = fields


class ItemSerializer(serializers.ModelSerializer):
    source = SourceBriefSerializer(read_only=True)  # type: ignore[assignment]  # a declared field, not Field.source
    duplicate_count = serializers.IntegerField(read_only=True, default=0)
    generate_url = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "source",
            "guid",
            "url",
            "canonical_url",
            "title",
            "author",
            "published_at",
            "summary_html",
            "content_html",
            "text",
            "image_url",
            "language",
            "sentiment",
            "score",
            "comments",
            "signals",
            "engagement",
            "fulltext_html",
            "fulltext_status",
            "filtered_by",
            "filter_reason",
            "muted_at",
            "content_hash",
            "duplicate_of",
            "duplicate_count",
            "fetched_at",
            "updated_at",
            "generate_url",
        ]
        read_only_fields = fields

    def get_generate_url(self, item: Item) -> str:
        return f"/app/generate/?item={item.pk}"


class FetchAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = FetchAttempt
        fields = [
            "id",
            "source",
            "started_at",
            "duration_ms",
            "outcome",
            "http_status",
            "bytes_received",
            "items_found",
            "items_new",
            "items_updated",
            "items_duplicate",
            "items_skipped",
            "error",
            "final_url",
            "next_check_at",
        ]
        read_only_fields = fields
