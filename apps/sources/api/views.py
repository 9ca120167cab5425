"""Sources API: sources CRUD with fetch/pause/resume, OPML, the item stream, fetch attempts."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import filters, mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from apps.accounts.api.scoping import WorkspaceScopedViewSet
from apps.accounts.roles import Capability

from .. import services
from ..models import FetchAttempt, Item, Source
from ..opml import build_opml
from .filters import FetchAttemptFilter, ItemFilter
from .serializers import (
    FetchAttemptSerializer,
    ItemSerializer,
    OpmlImportResultSerializer,
    OpmlImportSerializer,
    SourceCreateSerializer,
    SourceSerializer,
    SourceUpdateSerializer,
)


class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, WorkspaceScopedViewSet):
    serializer_class = SourceSerializer
    list_actions = ("list", "opml", "import_opml", "create")
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name", "url"]
    ordering_fields = ["name", "last_fetched_at", "item_count", "next_check_at", "created_at"]
    ordering = ["name", "id"]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def base_queryset(self):
        return Source.objects.all()

    def get_queryset(self):
        queryset = super().get_queryset()
        status_filter = self.request.query_params.get("status")
        if self.action == "list" and status_filter:
            queryset = queryset.filter(status=status_filter)
        return queryset

    @extend_schema(request=SourceCreateSerializer, responses={201: SourceSerializer})
    def create(self, request):
        data = SourceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["kind"] in services.KIND_SPECS:
            fields = values["fields"] or ({"target": values["url"]} if values["url"] else {})
            source = services.source_add_kind(
                user=request.user,
                workspace=self.workspace,
                kind=values["kind"],
                fields=fields,
                name=values["name"],
                fulltext=values["fulltext"],
            )
        elif not values["url"]:
            raise ValidationError({"url": [_("Enter a URL.")]})
        elif values["discover"] and not values["kind"]:
            result = services.source_add_by_url(
                user=request.user, workspace=self.workspace, url=values["url"], name=values["name"]
            )
            if result.source is None:
                raise ValidationError(
                    {"url": [_("This page lists several feeds; send one of them.")], "candidates": result.candidates}
                )
            source = result.source
        else:
            source = services.source_create(
                user=request.user, workspace=self.workspace, url=values["url"], kind=values["kind"], name=values["name"]
            )
        return Response(SourceSerializer(source).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SourceUpdateSerializer, responses=SourceSerializer)
    def partial_update(self, request, pk=None):
        source = self.get_object()
        data = SourceUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        source = services.source_update(user=request.user, source=source, **data.validated_data)
        return Response(SourceSerializer(source).data)

    def perform_destroy(self, instance):
        services.source_delete(user=self.request.user, source=instance)

    @extend_schema(request=None, responses={202: SourceSerializer})
    @action(detail=True, methods=["post"])
    def fetch(self, request, pk=None):
        """Fetch the source now (in the worker, right after this request commits)."""
        source = services.source_fetch_now(user=request.user, source=self.get_object())
        return Response(SourceSerializer(source).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=SourceSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return Response(SourceSerializer(services.source_pause(user=request.user, source=self.get_object())).data)

    @extend_schema(request=None, responses=SourceSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return Response(SourceSerializer(services.source_resume(user=request.user, source=self.get_object())).data)

    @extend_schema(responses=FetchAttemptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attempts(self, request, pk=None):
        source = self.get_object()
        page = self.paginate_queryset(FetchAttempt.objects.filter(source=source).order_by("-started_at", "-id"))
        return self.get_paginated_response(FetchAttemptSerializer(page, many=True).data)

    @extend_schema(responses={(200, "text/x-opml"): bytes})
    @action(detail=False, methods=["get"])
    def opml(self, request):
        """The workspace's sources as OPML 2.0."""
        self.require(Capability.VIEW)
        body = build_opml(title=self.workspace.name, sources=self.get_queryset())
        response = HttpResponse(body, content_type="text/x-opml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.workspace.slug}-sources.opml"'
        return response

    @extend_schema(request={"multipart/form-data": OpmlImportSerializer}, responses={201: OpmlImportResultSerializer})
    @opml.mapping.post
    def import_opml(self, request):
        data = OpmlImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        created, skipped = services.opml_import(
            user=request.user, workspace=self.workspace, data=data.validated_data["file"].read()
        )
        return Response(
            OpmlImportResultSerializer({"created": created, "skipped": skipped}).data, status=status.HTTP_201_CREATED
        )


class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """The item stream: newest first, near-duplicates hidden unless `duplicates=true`, `q` searches."""

    serializer_class = ItemSerializer
    filterset_class = ItemFilter
    filter_backends = [DjangoFilterBackend]

    def base_queryset(self):
        return (
            Item.objects.select_related("source")
            .annotate(duplicate_count=Count("duplicates"))
            .order_by("-published_at", "-id")
        )


class FetchAttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    serializer_class = FetchAttemptSerializer
    filterset_class = FetchAttemptFilter
    filter_backends = [DjangoFilterBackend]

    def base_queryset(self):
        return FetchAttempt.objects.order_by("-started_at", "-id")
