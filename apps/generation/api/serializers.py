from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from ..models import (
    AIProviderSettings,
    DraftFormat,
    GenerationJob,
    PostTemplate,
    ProviderKind,
    RefineAction,
    TokenUsage,
    VideoAspect,
    VideoRender,
)
from ..providers import base_url_error
from ..services import SETTINGS_FIELDS


class GenerationJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = GenerationJob
        fields = [
            "id",
            "kind",
            "status",
            "format",
            "persona",
            "trend",
            "item",
            "topic",
            "language",
            "post",
            "action",
            "decision",
            "result_title",
            "result_text",
            "result",
            "style_match",
            "error",
            "items_cited",
            "provider",
            "model",
            "prompt_version",
            "prompt_tokens",
            "completion_tokens",
            "cost",
            "attempts",
            "started_at",
            "finished_at",
            "model_ms",
            "overhead_ms",
            "created_at",
        ]


class GenerationStartSerializer(serializers.Serializer):
    persona = serializers.IntegerField(required=False, allow_null=True)
    format = serializers.ChoiceField(choices=DraftFormat.choices, default=DraftFormat.ARTICLE)
    trend = serializers.IntegerField(required=False, allow_null=True)
    item = serializers.IntegerField(required=False, allow_null=True)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=500)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)
    with_image = serializers.BooleanField(default=True)
    with_audio = serializers.BooleanField(default=False)
    template = serializers.IntegerField(required=False, allow_null=True)


class RefineStartSerializer(serializers.Serializer):
    """Either an action (shorter, formal, translate...) or an instruction in the editor's own words."""

    post = serializers.IntegerField()
    action = serializers.ChoiceField(choices=RefineAction.choices, required=False, allow_blank=True)
    instruction = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    target_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)


class RefineSuggestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    quote = serializers.CharField()
    replacement = serializers.CharField(allow_blank=True)
    state = serializers.CharField()
    start = serializers.IntegerField(allow_null=True)
    end = serializers.IntegerField(allow_null=True)


class RefineTurnSerializer(serializers.Serializer):
    """One turn of a post's refine conversation: what the editor asked and what came back."""

    job = serializers.IntegerField()
    request = serializers.CharField()
    action = serializers.CharField()
    status = serializers.CharField()
    decision = serializers.CharField(allow_blank=True)
    answer = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)
    asked_by = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    suggestions = RefineSuggestionSerializer(many=True)


class AISettingsSerializer(serializers.ModelSerializer):
    """The key is write-only: responses say whether one is stored and its last four characters."""

    api_key = serializers.CharField(write_only=True, required=False, allow_blank=True)
    clear_key = serializers.BooleanField(write_only=True, required=False)
    provider = serializers.ChoiceField(choices=ProviderKind.choices, required=False)

    class Meta:
        model = AIProviderSettings
        fields = [
            *SETTINGS_FIELDS,
            "api_key",
            "clear_key",
            "has_key",
            "api_key_hint",
            "updated_at",
        ]
        read_only_fields = ["has_key", "api_key_hint", "updated_at"]

    def validate_base_url(self, value: str) -> str:
        problem = base_url_error(value or "")
        if problem:
            raise serializers.ValidationError(problem)
        return value


class TokenUsageSerializer(serializers.ModelSerializer):
    total_tokens = serializers.IntegerField(read_only=True)

    class Meta:
        model = TokenUsage
        fields = ["month", "prompt_tokens", "completion_tokens", "total_tokens", "cost", "jobs"]


class VideoRenderSerializer(serializers.ModelSerializer):
    """A rendered (or rendering) MP4: poll it for status, progress and stage; url and captions_url once done."""

    url = serializers.SerializerMethodField()
    captions_url = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = VideoRender
        fields = [
            "id",
            "post",
            "script",
            "aspect",
            "status",
            "status_display",
            "progress",
            "stage",
            "error",
            "url",
            "captions_url",
            "width",
            "height",
            "duration_seconds",
            "size",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return obj.file.url if obj.file else ""

    def get_captions_url(self, obj) -> str:
        return obj.captions.url if obj.captions else ""


class VideoRenderStartSerializer(serializers.Serializer):
    script = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    aspect = serializers.ChoiceField(choices=VideoAspect.choices, default=VideoAspect.LANDSCAPE)


class TranscriptionInputSerializer(serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    audio = serializers.FileField()
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)


class TranscriptionSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class DictationStatusSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True)


class PostTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostTemplate
        fields = ["id", "name", "kind", "format", "description", "prompt", "structure", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class PostImageInputSerializer(serializers.Serializer):
    post = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    prompt = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class PostImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    alt_text = serializers.CharField(allow_blank=True)
    mime_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
