from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Persona, PersonaSample, StyleProfile


class StyleProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = StyleProfile
        fields = ["metrics", "phrases", "sample_count", "post_count", "word_count", "computed_at"]


class PersonaOutputSerializer(serializers.ModelSerializer):
    style_profile = serializers.SerializerMethodField()

    class Meta:
        model = Persona
        fields = [
            "id",
            "name",
            "description",
            "voice",
            "audience",
            "language",
            "topics",
            "rules_always",
            "rules_never",
            "color",
            "style_profile",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(StyleProfileSerializer(allow_null=True))
    def get_style_profile(self, obj):
        try:
            profile = obj.style_profile
        except StyleProfile.DoesNotExist:
            return None
        return StyleProfileSerializer(profile).data


class PersonaInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)
    voice = serializers.CharField(required=False, allow_blank=True)
    audience = serializers.CharField(max_length=255, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    topics = serializers.ListField(child=serializers.CharField(max_length=300), required=False, max_length=50)
    rules_always = serializers.ListField(child=serializers.CharField(max_length=300), required=False, max_length=50)
    rules_never = serializers.ListField(child=serializers.CharField(max_length=300), required=False, max_length=50)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False, allow_blank=True)


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonaSample
        fields = ["id", "title", "text", "source_url", "created_at"]
        read_only_fields = ["id", "created_at"]


class StyleMatchInputSerializer(serializers.Serializer):
    text = serializers.CharField()
