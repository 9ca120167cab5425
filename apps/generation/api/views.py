"""Generation API: start a draft, read its status, cancel, refine (a suggestion), accept or reject,
the workspace's AI settings and its token usage."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.api.scoping import WorkspaceScopedViewSet
from apps.accounts.selectors import membership_for_request
from apps.core.errors import InvalidInput
from apps.core.params import safe_id
from apps.personas.models import Persona
from apps.sources.models import Item
from apps.trends.models import Trend

from .. import services, services_studio
from ..models import AIProviderSettings, GenerationJob, PostTemplate, TokenUsage, VideoRender
from ..selectors import ai_settings_for, post_for_user, refine_conversation, script_for_user
from .serializers import (
    AISettingsSerializer,
    DictationStatusSerializer,
    GenerationJobSerializer,
    GenerationStartSerializer,
    PostImageInputSerializer,
    PostImageSerializer,
    PostTemplateSerializer,
    RefineStartSerializer,
    RefineTurnSerializer,
    TokenUsageSerializer,
    TranscriptionInputSerializer,
    TranscriptionSerializer,
    VideoRenderSerializer,
    VideoRenderStartSerializer,
)


def _in_workspace(model, pk, workspace):
    if pk is None:
        return None
    obj = model.objects.filter(workspace=workspace, pk=pk).first()
    if obj is None:
        raise InvalidInput({model._meta.model_name: [_("Not found in this workspace.")]})
    return obj


def _suggestion_id(data) -> int | None:
    value = data.get("suggestion") if hasattr(data, "get") else None
    return safe_id(value)


class GenerationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    serializer_class = GenerationJobSerializer
    filterset_fields = ["status", "kind", "format", "persona", "post"]

    def base_queryset(self):
        return GenerationJob.objects.order_by("-created_at", "-id")

    @extend_schema(request=GenerationStartSerializer, responses={202: GenerationJobSerializer})
    def create(self, request):
        data = GenerationStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ws = self.workspace
        job = services.generation_start(
            user=request.user,
            workspace=ws,
            persona=_in_workspace(Persona, v.get("persona"), ws),
            fmt=v["format"],
            trend=_in_workspace(Trend, v.get("trend"), ws),
            item=_in_workspace(Item, v.get("item"), ws),
            topic=v.get("topic", ""),
            language=v.get("language", ""),
            with_image=v["with_image"],
            with_audio=v["with_audio"],
            template=_in_workspace(PostTemplate, v.get("template"), ws),
        )
        job.refresh_from_db()
        return Response(GenerationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=GenerationJobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        job = services.generation_cancel(user=request.user, job=self.get_object())
        return Response(GenerationJobSerializer(job).data)

    @extend_schema(request=None, responses=GenerationJobSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        job = services.refine_accept(
            user=request.user, job=self.get_object(), suggestion_id=_suggestion_id(request.data)
        )
        return Response(GenerationJobSerializer(job).data)

    @extend_schema(request=None, responses=GenerationJobSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        job = services.refine_reject(
            user=request.user, job=self.get_object(), suggestion_id=_suggestion_id(request.data)
        )
        return Response(GenerationJobSerializer(job).data)


class RefineView(APIView):
    @extend_schema(request=RefineStartSerializer, responses={202: GenerationJobSerializer})
    def post(self, request):
        data = RefineStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = post_for_user(user=request.user, pk=data.validated_data["post"])
        job = services.refine_start(
            user=request.user,
            post=post,
            action=data.validated_data.get("action", ""),
            target_language=data.validated_data.get("target_language", ""),
            instruction=data.validated_data.get("instruction", ""),
        )
        job.refresh_from_db()
        return Response(GenerationJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=[OpenApiParameter("post", int, required=True)], responses=RefineTurnSerializer(many=True))
    def get(self, request):
        """The post's refine conversation, oldest turn first."""
        post_id = safe_id(request.query_params.get("post"))
        if post_id is None:
            raise InvalidInput({"post": [_("Which post?")]})
        post = post_for_user(user=request.user, pk=post_id)
        return Response(RefineTurnSerializer(refine_conversation(post=post), many=True).data)


class AISettingsView(APIView):
    @extend_schema(responses=AISettingsSerializer)
    def get(self, request):
        workspace = membership_for_request(request).workspace
        row = ai_settings_for(workspace=workspace) or AIProviderSettings(workspace=workspace)
        return Response(AISettingsSerializer(row).data)

    @extend_schema(request=AISettingsSerializer, responses=AISettingsSerializer)
    def put(self, request):
        workspace = membership_for_request(request).workspace
        data = AISettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = services.ai_settings_update(user=request.user, workspace=workspace, data=data.validated_data)
        return Response(AISettingsSerializer(row).data)

    patch = put


class TokenUsageView(APIView):
    @extend_schema(responses=TokenUsageSerializer(many=True))
    def get(self, request):
        workspace = membership_for_request(request).workspace
        rows = TokenUsage.objects.filter(workspace=workspace).order_by("-month")[:24]
        return Response(TokenUsageSerializer(rows, many=True).data)


class VideoRenderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    """MP4 renders of posts' video scripts (16:9, 9:16, 1:1): start one, then poll it for its progress."""

    serializer_class = VideoRenderSerializer
    filterset_fields = ["status", "post", "aspect"]

    def base_queryset(self):
        return VideoRender.objects.order_by("-created_at", "-id")

    @extend_schema(request=VideoRenderStartSerializer, responses={202: VideoRenderSerializer})
    def create(self, request):
        data = VideoRenderStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        script = script_for_user(user=request.user, pk=data.validated_data["script"])
        render = services_studio.video_render_start(
            user=request.user, script=script, aspect=data.validated_data["aspect"]
        )
        render.refresh_from_db()
        return Response(VideoRenderSerializer(render).data, status=status.HTTP_202_ACCEPTED)


class TranscriptionView(APIView):
    """Dictation: a recording from the editor (MediaRecorder) in, its words out (the provider's
    Whisper-compatible /v1/audio/transcriptions). GET says whether this workspace can."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=DictationStatusSerializer)
    def get(self, request):
        workspace = membership_for_request(request).workspace
        available, reason = services_studio.dictation_available(workspace=workspace)
        return Response(DictationStatusSerializer({"available": available, "reason": reason}).data)

    @extend_schema(request={"multipart/form-data": TranscriptionInputSerializer}, responses=TranscriptionSerializer)
    def post(self, request):
        data = TranscriptionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["audio"]
        post = post_for_user(user=request.user, pk=data.validated_data["post"])
        text = services_studio.dictation_transcribe(
            user=request.user,
            post=post,
            audio=upload.read(services_studio.MAX_DICTATION_BYTES + 1),
            filename=upload.name,
            mime_type=upload.content_type or "",
            language=data.validated_data.get("language") or post.language,
        )
        return Response(TranscriptionSerializer({"text": text}).data)


class PostTemplateViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    WorkspaceScopedViewSet,
):
    """The workspace's reusable post templates (structure and drafting instructions)."""

    serializer_class = PostTemplateSerializer
    filterset_fields = ["kind", "format"]
    search_fields = ["name", "description"]

    def base_queryset(self):
        return PostTemplate.objects.order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services_studio.template_create(
            user=self.request.user, workspace=self.workspace, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services_studio.template_update(
            user=self.request.user, template=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services_studio.template_delete(user=self.request.user, template=instance)


class PostImageView(APIView):
    """An image for a post from the provider's /v1/images/generations (offline: its title card), kept as
    the post's media in the article, square and story sizes."""

    @extend_schema(request=PostImageInputSerializer, responses={201: PostImageSerializer(many=True)})
    def post(self, request):
        data = PostImageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = post_for_user(user=request.user, pk=data.validated_data["post"])
        assets = services_studio.post_image_generate(
            user=request.user, post=post, prompt=data.validated_data.get("prompt", "")
        )
        rows = [
            {
                "id": a.pk,
                "url": a.file.url,
                "alt_text": a.alt_text,
                "mime_type": a.mime_type,
                "width": a.data.get("width", 0),
                "height": a.data.get("height", 0),
            }
            for a in assets
        ]
        return Response(PostImageSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)
