from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import EmailMode, Kind, Notification, Preference
from ..texts import render


class AlertSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(help_text=_("The text in the request's language."))
    detail = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()
    workspace = serializers.IntegerField(source="workspace_id", read_only=True)

    class Meta:
        model = Notification
        fields = [
            "id",
            "workspace",
            "kind",
            "key",
            "params",
            "title",
            "detail",
            "url",
            "count",
            "read",
            "read_at",
            "created_at",
            "last_at",
        ]
        read_only_fields = fields

    def get_title(self, obj) -> str:
        return render(obj).title

    def get_detail(self, obj) -> str:
        return render(obj).detail

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class AlertPreferenceSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices, help_text=_("What the notification is about."))
    email = serializers.ChoiceField(choices=EmailMode.choices)

    class Meta:
        model = Preference
        fields = ["kind", "in_app", "email"]
