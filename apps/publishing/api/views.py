"""Publishing API: channels, publications (cancel, reschedule, resolve, unpublish, attempts, metrics),
schedule, preview and subscribers. Views parse, call one service or selector, and shape the output."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.api.scoping import WorkspaceScopedViewSet
from apps.accounts.roles import Capability
from apps.core.errors import NotFound
from apps.core.params import safe_id
from apps.posts.models import Post

from .. import connecting, selectors, services
from ..adapters.base import NothingToCheck
from ..models import Channel, Publication, Subscriber
from .serializers import (
    AttemptSerializer,
    ChannelInSerializer,
    ChannelOutSerializer,
    MetricSerializer,
    PreviewInSerializer,
    PreviewOutSerializer,
    PublicationOutSerializer,
    RescheduleInSerializer,
    ResolveInSerializer,
    ScheduleInSerializer,
    SubscriberSerializer,
)


class ChannelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, WorkspaceScopedViewSet
):
    serializer_class = ChannelOutSerializer

    def base_queryset(self):
        return Channel.objects.order_by("name")

    @extend_schema(request=ChannelInSerializer, responses={201: ChannelOutSerializer})
    def create(self, request):
        data = ChannelInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        channel = services.channel_create(
            user=request.user,
            workspace=self.workspace,
            name=v.get("name", ""),
            platform=v.get("platform", ""),
            config=v.get("config") or {},
            secrets=v.get("secrets") or {},
            credentials_expire_at=v.get("credentials_expire_at"),
            rate_per_minute=v.get("rate_per_minute"),
            rate_burst=v.get("rate_burst"),
            is_active=v.get("is_active", True),
        )
        return Response(ChannelOutSerializer(channel).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ChannelInSerializer, responses=ChannelOutSerializer)
    def partial_update(self, request, pk=None):
        channel = self.get_object()
        data = ChannelInSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        channel = services.channel_update(
            user=request.user,
            channel=channel,
            name=v.get("name"),
            config=v.get("config"),
            secrets=v.get("secrets"),
            credentials_expire_at=v.get("credentials_expire_at", "unchanged"),
            rate_per_minute=v.get("rate_per_minute"),
            rate_burst=v.get("rate_burst"),
            is_active=v.get("is_active"),
        )
        return Response(ChannelOutSerializer(channel).data)

    def perform_destroy(self, instance):
        services.channel_delete(user=self.request.user, channel=instance)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """A real, harmless request to the platform; a failure answers 400 with what happened."""
        try:
            account = connecting.channel_check(user=request.user, channel=self.get_object())
        except NothingToCheck as exc:
            return Response({"ok": None, "account": "", "detail": str(exc)})
        return Response({"ok": True, "account": account})

    @extend_schema(request=None, responses={200: ChannelOutSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        """Resume a paused channel: its waiting publications go out on the next tick."""
        channel = connecting.channel_resume(user=request.user, channel=self.get_object())
        channel.refresh_from_db()
        return Response(ChannelOutSerializer(channel).data)


class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceScopedViewSet):
    serializer_class = PublicationOutSerializer

    def base_queryset(self):
        queryset = Publication.objects.select_related("channel", "post").order_by("-due_at", "-id")
        params = self.request.query_params
        if params.get("state"):
            queryset = queryset.filter(state=params["state"])
        if (channel_id := safe_id(params.get("channel"))) is not None:
            queryset = queryset.filter(channel_id=channel_id)
        if (post_id := safe_id(params.get("post"))) is not None:
            queryset = queryset.filter(post_id=post_id)
        return queryset

    def _out(self, publication):
        publication = Publication.objects.select_related("channel", "post").get(pk=publication.pk)
        return Response(PublicationOutSerializer(publication).data)

    @extend_schema(request=None, responses=PublicationOutSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._out(services.publication_cancel(user=request.user, publication=self.get_object()))

    @extend_schema(request=RescheduleInSerializer, responses=PublicationOutSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        data = RescheduleInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        publication = services.publication_reschedule(
            user=request.user,
            publication=self.get_object(),
            due_at=v["due_at"],
            not_before=v.get("not_before", "unchanged"),
        )
        return self._out(publication)

    @extend_schema(request=ResolveInSerializer, responses=PublicationOutSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        data = ResolveInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        publication = services.publication_resolve_unconfirmed(
            user=request.user,
            publication=self.get_object(),
            delivered=data.validated_data["delivered"],
            url=data.validated_data.get("url", ""),
        )
        return self._out(publication)

    @extend_schema(request=None, responses={202: PublicationOutSerializer})
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        publication = services.publication_unpublish(user=request.user, publication=self.get_object())
        response = self._out(publication)
        response.status_code = status.HTTP_202_ACCEPTED
        return response

    @extend_schema(responses=AttemptSerializer(many=True))
    @action(detail=True, methods=["get"])
    def attempts(self, request, pk=None):
        publication = self.get_object()
        return Response(AttemptSerializer(selectors.publication_attempts(publication=publication), many=True).data)

    @extend_schema(responses=MetricSerializer(many=True))
    @action(detail=True, methods=["get"])
    def metrics(self, request, pk=None):
        publication = self.get_object()
        return Response(MetricSerializer(publication.metrics.all()[:500], many=True).data)


def _post_for(request, pk: int) -> Post:
    post = Post.objects.visible_to(request.user).filter(pk=pk).first()
    if post is None:
        raise NotFound("Not found.")
    return post


def _channels_for(post: Post, ids: list[int] | None) -> list[Channel]:
    queryset = Channel.objects.filter(workspace_id=post.workspace_id).order_by("name")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
        channels = list(queryset)
        if len(channels) != len(set(ids)):
            raise NotFound("Not found.")
        return channels
    return list(queryset.filter(is_active=True))


class ScheduleViewSet(WorkspaceScopedViewSet):
    """POST schedule: one publication per channel; POST preview: every channel's version, nothing written."""

    def base_queryset(self):
        return Publication.objects.none()

    @extend_schema(request=ScheduleInSerializer, responses={201: PublicationOutSerializer(many=True)})
    @action(detail=False, methods=["post"], url_path="schedule")
    def schedule(self, request):
        data = ScheduleInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        post = _post_for(request, v["post"])
        publications = services.publication_schedule(
            user=request.user,
            post=post,
            channels=_channels_for(post, v["channels"]),
            due_at=v.get("due_at"),
            not_before=v.get("not_before"),
            overrides=v.get("overrides") or {},
        )
        rows = Publication.objects.filter(pk__in=[p.pk for p in publications]).select_related("channel", "post")
        return Response(PublicationOutSerializer(rows, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PreviewInSerializer, responses=PreviewOutSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="preview")
    def preview(self, request):
        data = PreviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        post = _post_for(request, v["post"])
        previews = services.publication_preview(
            user=request.user, post=post, channels=_channels_for(post, v.get("channels")), overrides=v.get("overrides")
        )
        return Response(PreviewOutSerializer(previews, many=True).data)


class SubscriberViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, WorkspaceScopedViewSet):
    serializer_class = SubscriberSerializer

    def base_queryset(self):
        return Subscriber.objects.order_by("email")

    @extend_schema(request=SubscriberSerializer, responses={201: SubscriberSerializer})
    def create(self, request):
        data = SubscriberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subscriber = services.subscriber_add(
            user=request.user,
            workspace=self.workspace,
            email=data.validated_data["email"],
            name=data.validated_data.get("name", ""),
        )
        return Response(SubscriberSerializer(subscriber).data, status=status.HTTP_201_CREATED)

    def list(self, request, *args, **kwargs):
        self.require(Capability.MANAGE_CHANNELS)
        return super().list(request, *args, **kwargs)

    def perform_destroy(self, instance):
        services.subscriber_remove(user=self.request.user, subscriber=instance)
