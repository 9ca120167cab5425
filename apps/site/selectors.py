"""Reads for the app's site pages: the workspace's site, its articles with their tracked clicks and
its headline tests."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import require_member
from apps.core.errors import NotFound

from .models import ArticlePage, HeadlineTest, HomePage, TrackedLink


def site_home_for(*, user: User, workspace: Workspace) -> HomePage | None:
    require_member(user=user, workspace=workspace)
    home: HomePage | None = HomePage.objects.filter(workspace=workspace).first()
    return home


def site_articles_for(*, user: User, workspace: Workspace, limit: int = 100) -> QuerySet[ArticlePage]:
    """The site's articles (newest first), each with `tracked_clicks` over all its publications."""
    home = site_home_for(user=user, workspace=workspace)
    if home is None:
        none: QuerySet[ArticlePage] = ArticlePage.objects.none()
        return none
    clicks = (
        TrackedLink.objects.filter(post_id=OuterRef("source_post_id"), workspace=workspace)
        .values("post_id")
        .annotate(n=Sum("clicks"))
        .values("n")[:1]
    )
    articles: QuerySet[ArticlePage] = (
        ArticlePage.objects.descendant_of(home)
        .annotate(
            tracked_clicks=Coalesce(Subquery(clicks, output_field=IntegerField()), Value(0)),
            test_count=Count("headline_tests"),
        )
        .order_by("-first_published_at", "-pk")[:limit]
    )
    return articles


def headline_tests_for(*, user: User, workspace: Workspace) -> QuerySet[HeadlineTest]:
    require_member(user=user, workspace=workspace)
    return (
        HeadlineTest.objects.filter(workspace=workspace).select_related("page", "winner").prefetch_related("variants")
    )


def headline_test_for(*, user: User, workspace: Workspace, pk: int) -> HeadlineTest:
    return get_object_or_404(headline_tests_for(user=user, workspace=workspace), pk=pk)


def article_for(*, user: User, workspace: Workspace, pk: int) -> ArticlePage:
    home = site_home_for(user=user, workspace=workspace)
    if home is None:
        raise NotFound(_("Not found."))
    article: ArticlePage = get_object_or_404(ArticlePage.objects.descendant_of(home), pk=pk)
    return article


def tracked_links_for(*, user: User, workspace: Workspace, post_id: int | None = None) -> QuerySet[TrackedLink]:
    require_member(user=user, workspace=workspace)
    rows = TrackedLink.objects.filter(workspace=workspace)
    return rows.filter(post_id=post_id) if post_id is not None else rows
