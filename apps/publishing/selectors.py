"""Reads for publishing, always scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.accounts.permissions import require_member
from apps.core.errors import NotFound
from apps.site.links import clicks_subquery

from .crypto import credentials_decrypt
from .models import Channel, EngagementMetric, Publication, PublicationAttempt, PublicationState, Subscriber

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from apps.accounts.models import User, Workspace

EXPIRY_WARNING_DAYS = 7


class Engagement(TypedDict):
    """The latest measured numbers `publications_with_engagement` puts on each publication."""

    m_views: int | None
    m_likes: int | None
    m_reposts: int | None
    m_replies: int | None
    m_clicks: int


def channels_for(*, user: User, workspace: Workspace) -> QuerySet[Channel]:
    require_member(user=user, workspace=workspace)
    return Channel.objects.filter(workspace=workspace).annotate(
        pending_count=Count("publications", filter=Q(publications__state=PublicationState.PENDING)),
        problem_count=Count(
            "publications", filter=Q(publications__state__in=[PublicationState.FAILED, PublicationState.UNCONFIRMED])
        ),
    )


def channel_for_user(*, user: User, pk: int) -> Channel:
    channel: Channel | None = Channel.objects.visible_to(user).filter(pk=pk).first()
    if channel is None:
        raise NotFound("Not found.")
    return channel


def channels_expiring(*, workspace: Workspace, days: int = EXPIRY_WARNING_DAYS) -> QuerySet[Channel]:
    """Channels whose token expires within `days` (or already has)."""
    return Channel.objects.filter(
        workspace=workspace, is_active=True, credentials_expire_at__lte=timezone.now() + dt.timedelta(days=days)
    ).order_by("credentials_expire_at")


def channel_expiry_warning(channel: Channel) -> str:
    """ "expired", "expiring" or "" for a token a person has to renew (one with a refresh token is
    renewed by the beat task: it warns by needing reconnecting if that fails)."""
    if channel.credentials_expire_at is None:
        return ""
    try:
        if credentials_decrypt(token=channel.credentials_encrypted).get("refresh_token"):
            return ""
    except ValueError:
        pass
    left = channel.credentials_expire_at - timezone.now()
    if left <= dt.timedelta(0):
        return "expired"
    if left <= dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return "expiring"
    return ""


def publications_for(
    *,
    user: User,
    workspace: Workspace,
    state: str | None = None,
    channel_id: int | None = None,
    post_id: int | None = None,
) -> QuerySet[Publication]:
    require_member(user=user, workspace=workspace)
    queryset = Publication.objects.filter(workspace=workspace).select_related("channel", "post")
    if state:
        queryset = queryset.filter(state=state)
    if channel_id:
        queryset = queryset.filter(channel_id=channel_id)
    if post_id:
        queryset = queryset.filter(post_id=post_id)
    return queryset


def publication_for_user(*, user: User, pk: int) -> Publication:
    publication: Publication | None = (
        Publication.objects.visible_to(user).select_related("channel", "post").filter(pk=pk).first()
    )
    if publication is None:
        raise NotFound("Not found.")
    return publication


def publication_attempts(*, publication: Publication) -> QuerySet[PublicationAttempt]:
    return publication.attempt_log.all()


def publications_needing_attention(*, workspace: Workspace) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(
            workspace=workspace, state__in=[PublicationState.FAILED, PublicationState.UNCONFIRMED]
        )
        .select_related("channel", "post")
        .order_by("-updated_at")
    )


def calendar_publications(*, workspace: Workspace, start: dt.datetime, end: dt.datetime) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(workspace=workspace, due_at__gte=start, due_at__lt=end)
        .exclude(state=PublicationState.CANCELLED)
        .select_related("channel", "post")
        .order_by("due_at", "id")
    )


def latest_metric_subquery(field: str) -> Subquery:
    return Subquery(
        EngagementMetric.objects.filter(publication=OuterRef("pk")).order_by("-measured_at").values(field)[:1]
    )


def publications_with_engagement(
    *, workspace: Workspace, since: dt.datetime | None = None
) -> QuerySet[WithAnnotations[Publication, Engagement]]:
    queryset = Publication.objects.filter(workspace=workspace, state=PublicationState.PUBLISHED)
    if since is not None:
        queryset = queryset.filter(published_at__gte=since)
    return queryset.select_related("channel", "post", "post__persona").annotate(
        m_views=latest_metric_subquery("views"),
        m_likes=latest_metric_subquery("likes"),
        m_reposts=latest_metric_subquery("reposts"),
        m_replies=latest_metric_subquery("replies"),
        # Platforms' own click counts plus the clicks on our tracked short link (apps.site.links).
        m_clicks=Coalesce(latest_metric_subquery("clicks"), 0) + clicks_subquery(),
    )


def subscribers_for(*, user: User, workspace: Workspace) -> QuerySet[Subscriber]:
    require_member(user=user, workspace=workspace)
    return Subscriber.objects.filter(workspace=workspace)
