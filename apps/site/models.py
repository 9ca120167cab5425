"""Wagtail pages of the team's public site; publishing to the "site" channel fills ArticlePage."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["site.ArticleIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = ArticlePage.objects.live().public().order_by("-first_published_at")[:6]
        return context


class ArticleIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["site.HomePage"]
    subpage_types = ["site.ArticlePage"]

    class Meta:
        verbose_name = _("article index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["articles"] = ArticlePage.objects.live().public().child_of(self).order_by("-first_published_at")
        return context


class ArticlePage(Page):
    excerpt = models.TextField(_("excerpt"), blank=True)
    body = RichTextField(_("body"), blank=True)
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    featured_image_url = models.URLField(_("featured image"), max_length=1000, blank=True)
    source_post_id = models.BigIntegerField(_("source post"), null=True, blank=True, db_index=True, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("excerpt"), FieldPanel("author_name"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("excerpt"), index.SearchField("body")]
    parent_page_types = ["site.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
