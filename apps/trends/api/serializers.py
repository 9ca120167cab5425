from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.trends.models import Topic, Trend, TrendItem, TrendSettings, TrendSnapshot


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "slug", "keywords"]
        read_only_fields = ["id", "slug"]


class TrendSignalSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="source kind, e.g. hacker_news, bluesky")
    signal = serializers.CharField(help_text="points, comments, reposts, likes, views, …")
    value = serializers.IntegerField(help_text="summed over the trend's items of that kind")
    items = serializers.IntegerField(help_text="how many of the trend's items reported it")


class TrendSearchTermSerializer(serializers.Serializer):
    term = serializers.CharField()
    traffic = serializers.IntegerField(allow_null=True, help_text="Google's approximate daily searches")
    geo = serializers.CharField(help_text="country code of the Google Trends source")


class TrendSignalsSerializer(serializers.Serializer):
    top = TrendSignalSerializer(many=True)
    search = TrendSearchTermSerializer(many=True)


class TrendSerializer(serializers.ModelSerializer):
    topics = TopicSerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()
    generate_url = serializers.SerializerMethodField()
    sparkline = serializers.SerializerMethodField()
    why_rising = serializers.ListField(child=serializers.CharField(), read_only=True)
    signals = serializers.SerializerMethodField()

    class Meta:
        model = Trend
        fields = [
            "id",
            "title",
            "summary",
            "keywords",
            "language",
            "languages",
            "status",
            "merged_into",
            "score",
            "decay",
            "velocity",
            "diversity",
            "engagement_factor",
            "search_factor",
            "signals",
            "why_rising",
            "rate_last_hour",
            "item_count",
            "duplicate_count",
            "source_count",
            "domain_count",
            "first_seen_at",
            "last_seen_at",
            "ranked_at",
            "topics",
            "url",
            "generate_url",
            "sparkline",
        ]
        read_only_fields = fields

    def get_url(self, obj: Trend) -> str:
        return f"/app/trends/{obj.pk}/"

    def get_generate_url(self, obj: Trend) -> str:
        return f"/app/generate/?trend={obj.pk}"

    @extend_schema_field(TrendSignalsSerializer)
    def get_signals(self, obj: Trend) -> dict:
        """Which signals moved the trend at the last ranking tick (empty lists: none)."""
        stored = obj.signals if isinstance(obj.signals, dict) else {}
        return {"top": list(stored.get("top") or []), "search": list(stored.get("search") or [])}

    def get_sparkline(self, obj: Trend) -> list[float]:
        return [round(v, 4) for v in self.context.get("sparklines", {}).get(obj.pk, [])]


class TrendItemSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="item.id")
    title = serializers.CharField(source="item.title")
    url = serializers.CharField(source="item.url")
    canonical_url = serializers.CharField(source="item.canonical_url")
    language = serializers.CharField(source="item.language")
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field, not Field.source
    duplicate_of = serializers.IntegerField(source="item.duplicate_of_id", allow_null=True)

    class Meta:
        model = TrendItem
        fields = [
            "id",
            "title",
            "url",
            "canonical_url",
            "language",
            "published_at",
            "source",
            "domain",
            "similarity",
            "counted",
            "duplicate_of",
        ]
        read_only_fields = fields

    def get_source(self, obj: TrendItem) -> dict:
        return {"id": obj.item.source_id, "name": str(obj.item.source)}


class TrendSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrendSnapshot
        fields = ["taken_at", "score", "item_count", "source_count", "rate_last_hour"]
        read_only_fields = fields


class TrendSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = TrendSettings
        fields = [
            "half_life_hours",
            "baseline_rate",
            "velocity_weight",
            "diversity_weight",
            "signal_weight",
            "search_weight",
            "source_weights",
            "similarity_threshold",
            "merge_threshold",
            "window_hours",
        ]


class TrendSettingsInputSerializer(serializers.Serializer):
    half_life_hours = serializers.FloatField(required=False)
    baseline_rate = serializers.FloatField(required=False)
    velocity_weight = serializers.FloatField(required=False)
    diversity_weight = serializers.FloatField(required=False)
    signal_weight = serializers.FloatField(required=False)
    search_weight = serializers.FloatField(required=False)
    source_weights = serializers.DictField(child=serializers.FloatField(), required=False)
    similarity_threshold = serializers.FloatField(required=False)
    merge_threshold = serializers.FloatField(required=False)
    window_hours = serializers.IntegerField(required=False)
