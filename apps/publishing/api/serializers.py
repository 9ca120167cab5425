"""Input and output shapes of the publishing API. Secrets are write-only and never echoed."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Channel, EngagementMetric, Platform, Publication, PublicationAttempt, Subscriber
from ..selectors import channel_expiry_warning


class ChannelOutSerializer(serializers.ModelSerializer):
    has_credentials = serializers.SerializerMethodField()
    expiry_warning = serializers.SerializerMethodField()

    class Meta:
        model = Channel
        fields = [
            "id",
            "name",
            "platform",
            "config",
            "is_active",
            "rate_per_minute",
            "rate_burst",
            "credentials_expire_at",
            "expiry_warning",
            "has_credentials",
            "last_error",
            "last_error_at",
            "health",
            "needs_reconnect",
            "paused_at",
            "paused_reason",
            "consecutive_failures",
            "last_checked_at",
            "last_check_ok",
            "created_at",
        ]

    def get_has_credentials(self, obj) -> bool:
        return bool(obj.credentials_encrypted)

    def get_expiry_warning(self, obj) -> str:
        return channel_expiry_warning(obj)


class ChannelInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    config = serializers.DictField(required=False)
    secrets = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, write_only=True)
    credentials_expire_at = serializers.DateTimeField(required=False, allow_null=True)
    rate_per_minute = serializers.IntegerField(min_value=1, max_value=100000, required=False)
    rate_burst = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    is_active = serializers.BooleanField(required=False)


class PublicationOutSerializer(serializers.ModelSerializer):
    channel_name = serializers.CharField(source="channel.name", read_only=True)
    platform = serializers.CharField(source="channel.platform", read_only=True)
    post_title = serializers.CharField(source="post.title", read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "post",
            "post_title",
            "channel",
            "channel_name",
            "platform",
            "state",
            "due_at",
            "not_before",
            "next_attempt_at",
            "attempts",
            "idempotency_key",
            "platform_id",
            "platform_url",
            "last_error",
            "published_at",
            "content",
            "created_at",
        ]


class ScheduleInSerializer(serializers.Serializer):
    post = serializers.IntegerField()
    channels = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    not_before = serializers.DateTimeField(required=False, allow_null=True)
    overrides = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class PreviewInSerializer(serializers.Serializer):
    post = serializers.IntegerField()
    channels = serializers.ListField(child=serializers.IntegerField(), required=False)
    overrides = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class PreviewOutSerializer(serializers.Serializer):
    channel = serializers.IntegerField(source="channel.pk")
    channel_name = serializers.CharField(source="channel.name")
    platform = serializers.CharField(source="channel.platform")
    ok = serializers.BooleanField()
    parts = serializers.ListField(child=serializers.CharField())
    lengths = serializers.ListField(child=serializers.IntegerField())
    limit = serializers.IntegerField()
    # A declared field: the serializer's metaclass moves it into _declared_fields (`.errors` stays the property).
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
    media = serializers.ListField(child=serializers.CharField())


class RescheduleInSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    not_before = serializers.DateTimeField(required=False, allow_null=True)


class ResolveInSerializer(serializers.Serializer):
    delivered = serializers.BooleanField()
    url = serializers.URLField(required=False, allow_blank=True)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicationAttempt
        fields = ["id", "number", "started_at", "duration_ms", "outcome", "status_code", "message", "worker"]


class MetricSerializer(serializers.ModelSerializer):
    class Meta:
        model = EngagementMetric
        fields = ["measured_at", "views", "likes", "reposts", "replies", "clicks"]


class SubscriberSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subscriber
        fields = ["id", "email", "name", "unsubscribed_at", "created_at"]
        read_only_fields = ["unsubscribed_at", "created_at"]
