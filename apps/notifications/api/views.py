"""The person's own notifications (alerts) and preferences: scoped to request.user, never to anyone else."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.selectors import HEADER, membership_for_request
from apps.core.api.schema import errors

from .. import selectors, services
from ..models import Kind, Notification, Preference
from .serializers import AlertPreferenceSerializer, AlertSerializer


def _workspace_named(request):
    """The workspace the X-Workspace header names (404 for one the person is not in), or None: without
    the header the person's rows from every workspace they belong to are listed."""
    return membership_for_request(request).workspace if request.META.get(HEADER) else None


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What went wrong, for the requesting person (other people's rows answer 404)."""

    serializer_class = AlertSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        unread = self.request.query_params.get("unread") in ("1", "true")
        queryset = selectors.notifications_for_user(user=self.request.user, unread_only=unread)
        workspace = _workspace_named(self.request)
        return queryset if workspace is None else queryset.filter(workspace=workspace)

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only unread ones.")],
        responses=errors(AlertSerializer(many=True), conflict=False),
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=errors(AlertSerializer, conflict=False))
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=None, responses=errors(AlertSerializer, conflict=False))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(notification=self.get_object(), user=request.user)
        return Response(AlertSerializer(notification).data)

    @extend_schema(
        request=None,
        responses=errors({200: {"type": "object", "properties": {"marked": {"type": "integer"}}}}, conflict=False),
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})

    @extend_schema(
        responses=errors({200: {"type": "object", "properties": {"unread": {"type": "integer"}}}}, conflict=False)
    )
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class AlertPreferenceViewSet(viewsets.GenericViewSet):
    """Every kind's preference for the requesting person; PUT one kind to change it (fields left out
    keep their value)."""

    serializer_class = AlertPreferenceSerializer
    queryset = Preference.objects.none()  # rows are read through selectors.preferences_for
    lookup_field = "kind"

    @extend_schema(responses=AlertPreferenceSerializer(many=True))
    def list(self, request):
        _workspace_named(request)  # preferences are the person's, but a foreign workspace header is still a 404
        prefs = selectors.preferences_for(user=request.user).values()
        return Response(AlertPreferenceSerializer(prefs, many=True).data)

    @extend_schema(
        request=AlertPreferenceSerializer,
        responses=AlertPreferenceSerializer,
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=Kind.values)],
    )
    def update(self, request, kind=None):
        body = request.data if isinstance(request.data, dict) else {}
        data = AlertPreferenceSerializer(data={**body, "kind": kind})
        data.is_valid(raise_exception=True)
        current = selectors.preferences_for(user=request.user)[data.validated_data["kind"]]
        pref = services.preference_set(
            user=request.user,
            kind=current.kind,
            in_app=data.validated_data.get("in_app", current.in_app),
            email=data.validated_data.get("email", current.email),
        )
        return Response(AlertPreferenceSerializer(pref).data)
