"""Trends API: list and detail, a trend's items, its history series, "what to write next", settings."""

from __future__ import annotations

from django.db.models import Q, prefetch_related_objects
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.api.scoping import WorkspaceScopedViewSet
from apps.accounts.roles import Capability
from apps.core.params import clamp_int, safe_id
from apps.trends import selectors, services
from apps.trends.models import Topic, Trend

from .serializers import (
    TopicSerializer,
    TrendItemSerializer,
    TrendSerializer,
    TrendSettingsInputSerializer,
    TrendSettingsSerializer,
    TrendSnapshotSerializer,
)

FILTER_PARAMS = [
    OpenApiParameter("topic", str, description="topic slug"),
    OpenApiParameter("language", str, description="language code, e.g. en or ru"),
    OpenApiParameter("window", str, enum=list(selectors.WINDOWS), description="time window (default 72h)"),
    OpenApiParameter("q", str, description="title contains"),
]


class TrendViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    serializer_class = TrendSerializer
    filter_backends: list = []
    list_actions = ("list", "write_next", "ranking_settings")

    def base_queryset(self):
        return Trend.objects.all()

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "list":
            queryset = selectors.trends_filtered(
                queryset=queryset, filters=selectors.TrendFilters.from_params(self.request.query_params)
            )
        elif self.detail:
            # As on the pages: a single item is no story and has no trend of its own (404); its item is found
            # as an item. A merged trend stays readable so clients can follow merged_into.
            queryset = queryset.filter(selectors.STORY | Q(merged_into__isnull=False))
        return queryset

    @extend_schema(parameters=FILTER_PARAMS)
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        sparklines = selectors.sparkline_series(trend_ids=[t.pk for t in page])
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "sparklines": sparklines}
        )
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        trend = self.get_object()
        prefetch_related_objects([trend], "topics")
        sparklines = selectors.sparkline_series(trend_ids=[trend.pk], points=48)
        return Response(
            self.get_serializer(trend, context={**self.get_serializer_context(), "sparklines": sparklines}).data
        )

    @extend_schema(responses=TrendItemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def items(self, request, pk=None):
        trend = self.get_object()
        page = self.paginate_queryset(selectors.trend_items(trend=trend))
        return self.get_paginated_response(TrendItemSerializer(page, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("days", int, description="how far back (default 14, at most 30)")],
        responses=TrendSnapshotSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        trend = self.get_object()
        days = clamp_int(request.query_params.get("days"), 14, minimum=1, maximum=30)
        series = selectors.trend_history(trend=trend, days=days)
        return Response({"trend": trend.pk, "series": TrendSnapshotSerializer(series, many=True).data})

    @extend_schema(
        parameters=[OpenApiParameter("persona", int, description="persona id; without it, all rising trends")],
        responses=TrendSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="next")
    def write_next(self, request):
        persona = None
        ref = request.query_params.get("persona", "")
        if (persona_id := safe_id(ref)) is not None:
            persona = selectors.persona_for_user(user=request.user, workspace=self.workspace, pk=persona_id)
        trends = selectors.trends_to_write_next(workspace=self.workspace, persona=persona)
        sparklines = selectors.sparkline_series(trend_ids=[t.pk for t in trends])
        data = TrendSerializer(
            trends, many=True, context={**self.get_serializer_context(), "sparklines": sparklines}
        ).data
        return Response({"persona": persona.pk if persona else None, "results": data})

    @extend_schema(request=TrendSettingsInputSerializer, responses=TrendSettingsSerializer)
    @action(detail=False, methods=["get", "patch"], url_path="settings")
    def ranking_settings(self, request):
        if request.method == "PATCH":
            serializer = TrendSettingsInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            settings = services.trend_settings_update(
                user=request.user, workspace=self.workspace, **serializer.validated_data
            )
        else:
            self.require(Capability.VIEW)
            settings = services.trend_settings_for(workspace_id=self.workspace.pk)
        return Response(TrendSettingsSerializer(settings).data)


class TopicViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, WorkspaceScopedViewSet):
    serializer_class = TopicSerializer
    filter_backends: list = []

    def base_queryset(self):
        return Topic.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.topic_create(
            user=self.request.user,
            workspace=self.workspace,
            name=serializer.validated_data["name"],
            keywords=serializer.validated_data.get("keywords") or [],
        )

    def perform_destroy(self, instance):
        services.topic_delete(user=self.request.user, topic=instance)
