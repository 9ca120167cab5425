"""A site's sitemap (wagtail.contrib.sitemaps, limited to that site's pages) and its RSS 2.0 and
Atom feeds of articles. The home page hands its own articles in: no model import here."""

from __future__ import annotations

from django.contrib.sitemaps import views as sitemap_views
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed, SyndicationFeed
from django.utils.html import strip_tags
from wagtail.contrib.sitemaps import Sitemap

FEED_ITEMS = 30


class SiteSitemap(Sitemap):
    """Wagtail's sitemap of one workspace's site (not every page under the request's Wagtail Site)."""

    def __init__(self, request=None, *, home=None):
        super().__init__(request)
        self.home = home

    def items(self):
        return (
            self.home.get_descendants(inclusive=True).live().public().order_by("path").defer_streamfields().specific()
        )


def sitemap_response(*, request, home):
    return sitemap_views.sitemap(request, {"pages": SiteSitemap(request, home=home)})


class ArticlesRssFeed(Feed):
    feed_type: type[SyndicationFeed] = Rss201rev2Feed

    def __init__(self, *, home):
        super().__init__()
        self.home = home

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return self.home.title

    def link(self):
        return self.home.get_full_url(self.request)

    def description(self):
        return strip_tags(self.home.intro or "").strip() or self.home.title

    def feed_url(self):
        return self.request.build_absolute_uri()

    def items(self):
        return list(self.home.articles()[:FEED_ITEMS])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt or strip_tags(item.body or "")[:500]

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at or item.first_published_at

    def item_author_name(self, item):
        return item.author_name or None

    def item_categories(self, item):
        return [str(t) for t in item.tags or []]

    def item_enclosures(self, item):
        if not item.audio_url:
            return []
        return [Enclosure(item.audio_url, "0", item.audio_mime or "audio/mpeg")]


class ArticlesAtomFeed(ArticlesRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
