"""The public output: every absolute link from SITE_URL, a site per workspace, the article's image,
audio, excerpt and meta tags, the sitemap and feeds, the rendered preview, the old shared tree split."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from html.parser import HTMLParser

import feedparser
import pytest
from django.conf import settings as django_settings
from wagtail.models import Page, Site

from apps.core.errors import Forbidden
from apps.posts.models import PostState
from apps.site.models import ArticleIndexPage, ArticlePage, HomePage, SiteDirectoryPage
from apps.site.services import (
    absolute_url,
    ensure_root_page,
    site_adopt_legacy_tree,
    site_article_url,
    site_ensure_directory,
    site_set_hostname,
)

from .conftest import ALT, EXCERPT, TITLES

pytestmark = pytest.mark.django_db


class Meta(HTMLParser):
    """The <meta>, <link>, <img>, <audio> and JSON-LD of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: dict[str, str] = {}
        self.images: list[dict] = []
        self.audio: list[dict] = []
        self.json_ld: list[dict] = []
        self._in_ld = False
        self._buf = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name"), []).append(a.get("content", ""))
        elif tag == "link" and a.get("rel"):
            # The first of a kind: the site's own feed comes before its podcast.
            self.links.setdefault(a["rel"] + (":" + a["type"] if a.get("type") else ""), a.get("href", ""))
        elif tag == "img":
            self.images.append(a)
        elif tag == "audio":
            self.audio.append(a)
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld, self._buf = True, ""

    def handle_data(self, data):
        if self._in_ld:
            self._buf += data

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld:
            self.json_ld.append(json.loads(self._buf))
            self._in_ld = False


def parse(html: str) -> Meta:
    parser = Meta()
    parser.feed(html)
    return parser


def test_site_url_follows_port_when_not_set():
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env.update(PORT="8123", DJANGO_SETTINGS_MODULE="config.settings.base")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
    env["SITE_URL"] = "https://news.example.com"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "https://news.example.com"


def test_default_site_takes_site_url_host_and_port():
    site_ensure_directory()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("news.example", 8123)
    assert site.root_page.specific_class is SiteDirectoryPage
    # the placeholder "Welcome" page of Wagtail's migration is gone
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()


def test_absolute_url_keeps_storage_urls_and_joins_paths():
    assert absolute_url("/media/x.png") == "http://news.example:8123/media/x.png"
    assert absolute_url("https://bucket.s3.example/x.png") == "https://bucket.s3.example/x.png"
    assert absolute_url("") == ""


def test_each_workspace_has_its_own_site(make_post, publish, workspace, other_workspace, client):
    mine = publish(make_post(title=TITLES["zh"]))
    theirs = publish(make_post(workspace=other_workspace, title=TITLES["ar"]))
    home_a, home_b = HomePage.objects.get(workspace=workspace), HomePage.objects.get(workspace=other_workspace)
    assert mine.is_descendant_of(home_a) and theirs.is_descendant_of(home_b)
    assert mine.full_url.startswith("http://news.example:8123/newsroom/articles/")
    assert theirs.full_url.startswith("http://news.example:8123/other-team/articles/")
    body_a = client.get("/newsroom/").content.decode()
    assert TITLES["zh"] in body_a and TITLES["ar"] not in body_a
    body_b = client.get("/other-team/articles/").content.decode()
    assert TITLES["ar"] in body_b and TITLES["zh"] not in body_b
    assert client.get(mine.url).status_code == 200
    # The directory at / lists both sites.
    directory = client.get("/").content.decode()
    assert "Newsroom" in directory and "Other Team" in directory


def test_own_host_name_gets_its_own_wagtail_site(make_post, publish, workspace, members, client, settings):
    settings.ALLOWED_HOSTS = ["*"]
    page = publish(make_post(title=TITLES["mix"]))
    home = site_set_hostname(user=members["admin"], workspace=workspace, hostname="Newsroom.Example.org")
    site = Site.objects.get(root_page=home)
    assert (site.hostname, site.port) == ("newsroom.example.org", 8123)
    page.refresh_from_db()
    assert ArticlePage.objects.get(pk=page.pk).full_url.startswith("http://newsroom.example.org:8123/articles/")
    response = client.get("/articles/", HTTP_HOST="newsroom.example.org:8123")
    assert response.status_code == 200 and "cafe\u0301" in response.content.decode()
    # The combining accent and the markup-looking text are escaped, not interpreted.
    assert "<b>owners</b>" not in response.content.decode()
    with pytest.raises(Forbidden):
        site_set_hostname(user=members["writer"], workspace=workspace, hostname="x.example")
    site_set_hostname(user=members["admin"], workspace=workspace, hostname="")
    assert not Site.objects.filter(root_page=home).exists()


def test_bad_host_names_are_refused(workspace, members):
    from apps.core.errors import InvalidInput

    for bad in ("news example.com", "https://x.example/path", "a@b.example"):
        with pytest.raises(InvalidInput):
            site_set_hostname(user=members["admin"], workspace=workspace, hostname=bad)


def test_article_page_carries_image_audio_excerpt_and_meta(post_with_media, publish, client):
    page = publish(post_with_media)
    html = client.get(page.url).content.decode()
    meta = parse(html)
    url = page.full_url
    assert url.startswith("http://news.example:8123/")
    assert meta.links["canonical"] == url
    assert meta.meta["og:type"] == ["article"] and meta.meta["og:title"] == [TITLES["ru"]]
    assert meta.meta["og:url"] == [url] and meta.meta["og:description"] == [EXCERPT]
    image = meta.meta["og:image"][0]
    assert image.startswith("http://news.example:8123/media/") and image.endswith(".png")
    assert meta.meta["og:image:alt"] == [ALT] and meta.meta["twitter:image:alt"] == [ALT]
    assert meta.meta["twitter:card"] == ["summary_large_image"]
    assert meta.meta["og:audio"][0].endswith(".mp3") and meta.meta["og:audio:type"] == ["audio/mpeg"]
    assert meta.meta["article:tag"] == ["климат", "洪水"]
    assert [i for i in meta.images if i.get("alt") == ALT and i["src"] == image]
    assert meta.audio and meta.audio[0]["src"] == meta.meta["og:audio"][0] and "controls" in meta.audio[0]
    assert f'<p class="excerpt">{EXCERPT}</p>' in html
    [ld] = meta.json_ld
    assert ld["@type"] == "NewsArticle" and ld["headline"] == TITLES["ru"] and ld["url"] == url
    assert ld["image"][0]["url"] == image and ld["image"][0]["caption"] == ALT
    assert ld["author"] == [{"@type": "Person", "name": "Анна Петрова"}] and ld["inLanguage"] == "ru"
    assert ld["publisher"]["url"] == "http://news.example:8123/newsroom/"
    assert meta.links["alternate:application/rss+xml"].endswith("/newsroom/feed/rss/")
    assert '<html lang="ru">' in html


def test_json_ld_cannot_close_its_script(make_post, publish, client):
    page = publish(make_post(title="</script><script>alert(1)</script> 🌊", excerpt="a <!-- b & c"))
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html
    [ld] = parse(html).json_ld
    assert ld["headline"].startswith("</script><script>") and ld["description"] == "a <!-- b & c"


def test_the_editors_excerpt_and_the_posts_media_reach_the_site_channel(post_with_media, publisher, client):
    from django.utils import timezone

    from apps.publishing.dispatcher import dispatch_run
    from apps.publishing.models import Channel, Platform
    from apps.publishing.services import publication_schedule

    channel = Channel.objects.create(workspace=post_with_media.workspace, name="Our site", platform=Platform.SITE)
    [publication] = publication_schedule(
        user=publisher, post=post_with_media, channels=[channel], due_at=timezone.now()
    )
    dispatch_run(worker="w", budget_seconds=5)
    publication.refresh_from_db()
    page = ArticlePage.objects.get(source_post_id=post_with_media.pk)
    assert publication.platform_url == page.full_url
    assert page.excerpt == EXCERPT and page.featured_image_alt == ALT
    assert page.featured_image_url.startswith("http://news.example:8123/media/") and page.audio_url
    assert page.language == "ru"


def test_sitemap_and_feeds_per_site(make_post, publish, other_workspace, client):
    a = publish(make_post(title=TITLES["ru"]))
    publish(make_post(workspace=other_workspace, title=TITLES["ar"]))
    sitemap = client.get("/newsroom/sitemap.xml")
    assert sitemap.status_code == 200 and sitemap["Content-Type"].startswith("application/xml")
    text = sitemap.content.decode()
    assert a.full_url in text and "other-team" not in text
    whole = client.get("/sitemap.xml").content.decode()
    assert a.full_url in whole and "/other-team/articles/" in whole
    rss = feedparser.parse(client.get("/newsroom/feed/rss/").content)
    assert rss.version == "rss20" and [e.title for e in rss.entries] == [TITLES["ru"]]
    assert rss.entries[0].link == a.full_url and rss.entries[0].summary == EXCERPT
    atom = feedparser.parse(client.get("/newsroom/feed/atom/").content)
    assert atom.version == "atom10" and atom.entries[0].link == a.full_url
    assert atom.feed.link == "http://news.example:8123/newsroom/"


def test_feed_carries_the_audio_as_enclosure(post_with_media, publish, client):
    publish(post_with_media)
    rss = feedparser.parse(client.get("/newsroom/feed/rss/").content)
    [enclosure] = rss.entries[0].enclosures
    assert enclosure.href.endswith(".mp3") and enclosure.type == "audio/mpeg"


def test_predicted_url_before_publishing_is_the_workspaces(make_post, workspace):
    post = make_post(title=TITLES["zh"], state=PostState.APPROVED)
    url = site_article_url(post=post)
    assert url.startswith("http://news.example:8123/newsroom/articles/")


def test_preview_is_rendered_as_the_reader_sees_it(post_with_media, client_for, members, outsider):
    client = client_for(members["writer"])
    response = client.get(f"/app/site/preview/{post_with_media.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p>Реки выходят из берегов.</p>" in html  # HTML, not its source
    assert "&lt;p&gt;" not in html
    assert 'class="featured"' in html and f'alt="{ALT}"' in html and "<audio" in html
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert client_for(outsider).get(f"/app/site/preview/{post_with_media.pk}/").status_code == 404


def test_shared_tree_of_earlier_versions_is_split_per_workspace(make_post, workspace, other_workspace, client):
    """The layout before sites per workspace: one home page (no workspace) as the default site's root."""
    root = ensure_root_page()
    legacy = HomePage(title="Trendoscope", slug="home-site")
    root.add_child(instance=legacy)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": legacy}
    )
    index = ArticleIndexPage(title="Articles", slug="articles")
    legacy.add_child(instance=index)
    posts = [make_post(title=TITLES["ru"]), make_post(workspace=other_workspace, title=TITLES["zh"])]
    for p in posts:
        index.add_child(instance=ArticlePage(title=p.title, slug=f"a-{p.pk}", source_post_id=p.pk))
    orphan = ArticlePage(title="Gone post", slug="gone", source_post_id=999999)
    index.add_child(instance=orphan)

    result = site_adopt_legacy_tree()
    assert result == {"moved": 2, "kept": 1}
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("news.example", 8123)
    for p, ws in zip(posts, (workspace, other_workspace), strict=True):
        page = ArticlePage.objects.get(source_post_id=p.pk)
        assert page.is_descendant_of(HomePage.objects.get(workspace=ws))
        assert client.get(page.url).status_code == 200
    # The orphan stays reachable in the old tree, now under the directory.
    assert ArticlePage.objects.get(pk=orphan.pk).full_url.startswith("http://news.example:8123/home-site/")
    assert site_adopt_legacy_tree() == {"moved": 0, "kept": 1}  # idempotent


def test_the_data_migration_runs_on_a_shared_tree():
    """0003 calls site_adopt_legacy_tree when it finds the old layout (checked above); on a new
    database it does nothing."""
    from importlib import import_module

    from django.apps import apps as global_apps

    migration = import_module("apps.site.migrations.0003_split_shared_tree_per_workspace")
    migration.split_tree(global_apps, None)  # nothing to do: no shared tree, no error
    assert django_settings.SITE_URL == "http://news.example:8123"


def test_publish_panel_shows_the_site_channel_as_a_rendered_page(post, members, client_for):
    from apps.publishing.models import Channel, Platform

    channel = Channel.objects.create(workspace=post.workspace, name="Our site", platform=Platform.SITE)
    client = client_for(members["publisher"])
    html = client.get(f"/app/publishing/posts/{post.pk}/panel/?channels={channel.pk}").content.decode()
    assert f'<iframe class="site-preview" src="/app/site/preview/{post.pk}/"' in html
    assert "&lt;p&gt;Реки" not in html  # no HTML source in a <pre>
