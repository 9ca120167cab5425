"""Wagtail pages of the teams' public sites, their tracked short links and headline A/B tests.

Every workspace has its own site: a HomePage (its root page) with an ArticleIndexPage beneath it.
Without a host name of its own the home sits under the installation's directory page, so the site is
served at SITE_URL/<prefix>/; with one it also gets its own Wagtail Site (hostname:port -> that home)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .choices import HeadlineTestMethod, HeadlineTestState
from .feeds import ArticlesAtomFeed, ArticlesRssFeed
from .seo import json_ld, news_article
from .teasers import article_headline, teasers_for, with_visitor_cookie


class SiteDirectoryPage(Page):
    """The root of the installation's default Site: a list of the workspaces' sites."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["site.HomePage"]
    max_count = 1

    class Meta:
        verbose_name = _("site directory")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["homes"] = HomePage.objects.live().public().child_of(self).order_by("title")
        return context


class HomePage(RoutablePageMixin, Page):
    intro = RichTextField(_("introduction"), blank=True)
    workspace = models.OneToOneField(
        "accounts.Workspace",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_home",
        verbose_name=_("workspace"),
    )
    # A host name of its own (news.example.com); empty: served under SITE_URL at its slug.
    hostname = models.CharField(_("host name"), max_length=255, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["site.SiteDirectoryPage", "wagtailcore.Page"]
    subpage_types = ["site.ArticleIndexPage"]

    class Meta:
        verbose_name = _("home page")

    def articles(self):
        return ArticlePage.objects.live().public().descendant_of(self).order_by("-first_published_at")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest"] = teasers_for(request=request, articles=list(self.articles()[:6]))
        context["home"] = self
        return context

    def serve(self, request, *args, **kwargs):
        return with_visitor_cookie(request, super().serve(request, *args, **kwargs))

    @path("feed/rss/", name="rss")
    def rss(self, request):
        return ArticlesRssFeed(home=self)(request)

    @path("feed/atom/", name="atom")
    def atom(self, request):
        return ArticlesAtomFeed(home=self)(request)


class ArticleIndexPage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["site.HomePage"]
    subpage_types = ["site.ArticlePage"]

    class Meta:
        verbose_name = _("article index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = ArticlePage.objects.live().public().child_of(self).order_by("-first_published_at")[:50]
        context["articles"] = teasers_for(request=request, articles=list(articles))
        context["home"] = HomePage.objects.ancestor_of(self).first()
        return context

    def serve(self, request, *args, **kwargs):
        return with_visitor_cookie(request, super().serve(request, *args, **kwargs))


class ArticlePage(Page):
    excerpt = models.TextField(_("excerpt"), blank=True)
    body = RichTextField(_("body"), blank=True)
    author_name = models.CharField(_("author"), max_length=150, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    # Absolute URLs (built from SITE_URL or the storage's own URL) of the post's media.
    featured_image_url = models.URLField(_("featured image"), max_length=1000, blank=True)
    featured_image_alt = models.CharField(_("featured image alt text"), max_length=500, blank=True)
    audio_url = models.URLField(_("audio"), max_length=1000, blank=True)
    audio_mime = models.CharField(_("audio type"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    source_post_id = models.BigIntegerField(_("source post"), null=True, blank=True, db_index=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("excerpt"),
        FieldPanel("author_name"),
        FieldPanel("featured_image_url"),
        FieldPanel("featured_image_alt"),
        FieldPanel("audio_url"),
        FieldPanel("body"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("excerpt"), index.SearchField("body")]
    parent_page_types = ["site.ArticleIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = HomePage.objects.ancestor_of(self).first()
        context["headline"] = article_headline(request=request, article=self)
        context["home"] = home
        url = self.get_full_url(request) or ""
        home_url = (home.get_full_url(request) or "") if home is not None else ""
        context["json_ld"] = json_ld(
            news_article(page=self, url=url, home_title=home.title if home else "", home_url=home_url)
        )
        return context

    def serve(self, request, *args, **kwargs):
        return with_visitor_cookie(request, super().serve(request, *args, **kwargs))


class TrackedLink(models.Model):
    """A published link's short form, /l/<code>: one per publication (so per channel), counting the
    clicks of people (bots are not counted). Nothing about the person clicking is stored."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )
    target_url = models.URLField(_("target"), max_length=2000)
    # The publishing app sits above this one: its rows are referred to by id.
    publication_id = models.BigIntegerField(_("publication"), null=True, blank=True, unique=True)
    channel_id = models.BigIntegerField(_("channel"), null=True, blank=True, db_index=True)
    post_id = models.BigIntegerField(_("post"), null=True, blank=True, db_index=True)
    platform = models.CharField(_("platform"), max_length=20, blank=True)
    clicks = models.PositiveBigIntegerField(_("clicks"), default=0)
    last_click_at = models.DateTimeField(_("last click"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")

    def __str__(self) -> str:
        return f"/l/{self.code}"


class HeadlineTest(models.Model):
    """Two or more headlines of one article shown to visitors split by a random first-party cookie id;
    the one with the best click-through (opens per list/teaser view) wins once the test is confident."""

    workspace = models.ForeignKey(
        "accounts.Workspace", on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )
    page = models.ForeignKey(ArticlePage, on_delete=models.CASCADE, related_name="headline_tests")
    state = models.CharField(
        _("state"), max_length=12, choices=HeadlineTestState.choices, default=HeadlineTestState.RUNNING
    )
    method = models.CharField(
        _("method"), max_length=8, choices=HeadlineTestMethod.choices, default=HeadlineTestMethod.ZTEST
    )
    # 0.95: the winner's lead must be significant at 5 % (z-test) or its chance to be best 95 % (Bayes).
    confidence_level = models.FloatField(_("confidence required"), default=0.95)
    min_impressions = models.PositiveIntegerField(_("minimum views per headline"), default=200)
    auto_apply = models.BooleanField(_("apply the winner automatically"), default=True)
    winner = models.ForeignKey(
        "site.HeadlineVariant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confidence = models.FloatField(_("confidence reached"), null=True, blank=True)
    original_title = models.CharField(_("original title"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("headline test")
        verbose_name_plural = _("headline tests")
        constraints = [
            models.UniqueConstraint(
                fields=["page"], condition=models.Q(state="running"), name="site_one_running_headline_test"
            )
        ]

    def __str__(self) -> str:
        return f"{self.page_id}: {self.get_state_display()}"


class HeadlineVariant(models.Model):
    test = models.ForeignKey(HeadlineTest, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField(_("position"))
    headline = models.CharField(_("headline"), max_length=255)
    impressions = models.PositiveBigIntegerField(_("views in lists"), default=0)
    clicks = models.PositiveBigIntegerField(_("opens"), default=0)

    class Meta:
        ordering = ["test", "position"]
        verbose_name = _("headline variant")
        verbose_name_plural = _("headline variants")
        constraints = [models.UniqueConstraint(fields=["test", "position"], name="site_variant_unique_position")]

    def __str__(self) -> str:
        return self.headline

    @property
    def rate(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0
