"""Personas API: CRUD, sample texts, the learned profile and a style-match check."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.api.scoping import WorkspaceScopedViewSet
from apps.core.errors import NotFound

from .. import selectors, services
from ..models import Persona
from .serializers import PersonaInputSerializer, PersonaOutputSerializer, SampleSerializer, StyleMatchInputSerializer


class PersonaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    serializer_class = PersonaOutputSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    filterset_fields = ["language"]

    def base_queryset(self):
        return Persona.objects.select_related("style_profile").order_by("name")

    @extend_schema(request=PersonaInputSerializer, responses={201: PersonaOutputSerializer})
    def create(self, request):
        data = PersonaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        persona = services.persona_create(user=request.user, workspace=self.workspace, data=data.validated_data)
        return Response(PersonaOutputSerializer(persona).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PersonaInputSerializer, responses=PersonaOutputSerializer)
    def partial_update(self, request, pk=None):
        persona = self.get_object()
        data = PersonaInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        persona = services.persona_update(user=request.user, persona=persona, data=data.validated_data)
        return Response(PersonaOutputSerializer(persona).data)

    @extend_schema(request=PersonaInputSerializer, responses=PersonaOutputSerializer)
    def update(self, request, pk=None):
        return self.partial_update(request, pk)

    def destroy(self, request, pk=None):
        services.persona_delete(user=request.user, persona=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=SampleSerializer, responses=SampleSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def samples(self, request, pk=None):
        persona = self.get_object()
        if request.method == "POST":
            data = SampleSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            sample = services.persona_sample_add(user=request.user, persona=persona, **data.validated_data)
            return Response(SampleSerializer(sample).data, status=status.HTTP_201_CREATED)
        return Response(SampleSerializer(selectors.persona_samples(persona=persona), many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"samples/(?P<sample_pk>\d+)")
    def sample_delete(self, request, pk=None, sample_pk=None):
        persona = self.get_object()
        sample = persona.samples.filter(pk=sample_pk).first()
        if sample is None:
            raise NotFound("Sample not found.")
        services.persona_sample_delete(user=request.user, sample=sample)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=StyleMatchInputSerializer, responses=dict)
    @action(detail=True, methods=["post"], url_path="style-match")
    def style_match(self, request, pk=None):
        persona = self.get_object()
        data = StyleMatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(selectors.persona_style_match(persona=persona, text=data.validated_data["text"]))
