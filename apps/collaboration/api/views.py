"""API of live editing: what the editor needs to join a post's room, and the room's durable state."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFound

from ..selectors import document_status, presence_color, room_access_for


class SessionOutput(serializers.Serializer):
    post_id = serializers.IntegerField()
    websocket_path = serializers.CharField()
    can_edit = serializers.BooleanField()
    read_only_reason = serializers.CharField(allow_blank=True)
    user = serializers.DictField()
    document_bytes = serializers.IntegerField()
    pending_updates = serializers.IntegerField()
    max_document_bytes = serializers.IntegerField()


class SessionView(APIView):
    """GET: join details for the live editor of one post (404 for people who may not see it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SessionOutput)
    def get(self, request, post_id: int):
        access = room_access_for(user=request.user, post_id=post_id)
        if access is None:
            raise NotFound(_("Not found."))
        status = document_status(post_id=post_id)
        user = request.user
        data = {
            "post_id": post_id,
            "websocket_path": f"/ws/posts/{post_id}/doc/",
            "can_edit": access.can_edit,
            "read_only_reason": access.read_only_reason,
            "user": {
                "id": user.pk,
                "name": user.get_full_name() or user.get_username(),
                "color": presence_color(user.pk),
            },
            **status,
        }
        return Response(SessionOutput(data).data)
