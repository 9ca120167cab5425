"""The public sites: one per workspace (home page + article index), every absolute link built from
SITE_URL, articles published from posts, the legacy shared tree split up per workspace."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput
from apps.core.services import audit_log
from apps.posts.models import MediaAsset, MediaKind, Post

from .models import ArticleIndexPage, ArticlePage, HomePage, SiteDirectoryPage

DEFAULT_PORTS = {"http": 80, "https": 443}


def site_base_url() -> str:
    """The installation's public address without a trailing slash (SITE_URL follows PORT locally)."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(url: str, *, base: str | None = None) -> str:
    """`url` made absolute against the site's address; an absolute URL (S3 media) is kept as it is."""
    if not url:
        return ""
    return urljoin((base or site_base_url()) + "/", url)


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return (parts.hostname or "localhost").lower(), parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def ensure_root_page() -> Page:
    """Wagtail's root page (and default locale), as its migrations make them: a flushed database has none."""
    existing = Page.get_first_root_node()
    if existing is not None:
        return existing
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    return Page.add_root(instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)))


@transaction.atomic
def site_ensure_directory() -> SiteDirectoryPage:
    """The default Wagtail Site at SITE_URL's host and port, rooted at the directory of sites."""
    directory: SiteDirectoryPage | None = SiteDirectoryPage.objects.first()
    root = ensure_root_page()
    if directory is None:
        directory = SiteDirectoryPage(title=settings.WAGTAIL_SITE_NAME, slug="sites")
        root.add_child(instance=directory)
    hostname, port = _host_port(settings.SITE_URL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port, site.root_page_id) == (hostname, port, directory.pk):
        return directory  # already right: no write (a Site save clears Wagtail's cached site paths)
    taken = Site.objects.filter(hostname=hostname, port=port).exclude(pk=getattr(site, "pk", None)).exists()
    if site is None:
        site = Site(is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME)
    old_root = site.root_page if site.root_page_id else None
    if not taken:
        site.hostname, site.port = hostname, port
    site.root_page = directory
    site.save()
    # Wagtail's initial migration leaves a placeholder "Welcome" page; it is no longer reachable.
    if old_root is not None and old_root.specific_class is Page and not old_root.get_children().exists():
        old_root.delete()
    return directory


def _unique_child_slug(parent: Page, base: str, *, exclude_pk: int | None = None) -> str:
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def site_ensure_for_workspace(workspace: Workspace) -> ArticleIndexPage:
    """Create (once) the workspace's home page and its "articles" index; returns the index."""
    directory = site_ensure_directory()
    home: HomePage | None = HomePage.objects.filter(workspace=workspace).first()
    if home is None:
        home = HomePage(
            title=workspace.name,
            slug=_unique_child_slug(directory, slugify(workspace.slug) or f"site-{workspace.pk}"),
            intro="",
            workspace=workspace,
        )
        directory.add_child(instance=home)
    index: ArticleIndexPage | None = ArticleIndexPage.objects.child_of(home).first()
    if index is None:
        index = ArticleIndexPage(title=_("Articles"), slug="articles")
        home.add_child(instance=index)
    return index


def site_ensure_tree(workspace: Workspace | None = None) -> ArticleIndexPage | None:
    """The directory, and the workspace's site when one is given (the demo seeds call this)."""
    site_ensure_directory()
    return site_ensure_for_workspace(workspace) if workspace is not None else None


def workspace_home(workspace_id: int) -> HomePage | None:
    home: HomePage | None = HomePage.objects.filter(workspace_id=workspace_id).first()
    return home


def directory_home(slug: str) -> HomePage | None:
    """The live site served at SITE_URL/<slug>/."""
    directory = SiteDirectoryPage.objects.first()
    if directory is None:
        return None
    home: HomePage | None = HomePage.objects.live().public().child_of(directory).filter(slug=slug).first()
    return home


def workspace_site_url(workspace_id: int) -> str:
    """Where the workspace's site answers: its own host name, else SITE_URL/<prefix>."""
    home = workspace_home(workspace_id)
    if home is None:
        return ""
    return (home.get_full_url() or "").rstrip("/")


@transaction.atomic
def site_set_hostname(*, user: User, workspace: Workspace, hostname: str) -> HomePage:
    """Give the workspace's site a host name of its own (a Wagtail Site for it), or take it away ("")."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_WORKSPACE)
    site_ensure_for_workspace(workspace)
    home: HomePage = HomePage.objects.select_for_update().get(workspace=workspace)
    raw = hostname.strip().lower()
    parsed = urlsplit(raw if "//" in raw else f"//{raw}")
    host = parsed.hostname or ""
    bad = not host or parsed.path not in ("", "/") or parsed.username is not None or " " in host
    if raw and bad:
        raise InvalidInput(_("Enter a host name such as news.example.com (optionally with :port)."))
    _default_host, default_port = _host_port(settings.SITE_URL)
    port = parsed.port or default_port
    Site.objects.filter(root_page=home).delete()
    if host:
        if Site.objects.filter(hostname=host, port=port).exists():
            raise Conflict(_("Another site already uses %(host)s.") % {"host": f"{host}:{port}"})
        Site.objects.create(hostname=host, port=port, root_page=home, site_name=workspace.name)
    home.hostname = f"{host}:{port}" if host and parsed.port else host
    home.save(update_fields=["hostname"])
    audit_log(actor=user, action="site.hostname", workspace=workspace, data={"hostname": home.hostname})
    return home


def post_media(post: Post) -> dict:
    """The post's featured image (with its alt text) and narration audio as absolute URLs."""
    out = {"image_url": "", "image_alt": "", "audio_url": "", "audio_mime": ""}
    media = post.featured_media
    if media is not None and media.file and (media.kind == MediaKind.IMAGE or media.mime_type.startswith("image/")):
        out["image_url"] = absolute_url(media.file.url)
        out["image_alt"] = media.alt_text
    audio = MediaAsset.objects.filter(post=post, kind=MediaKind.AUDIO).exclude(file="").order_by("-created_at").first()
    if audio is not None:
        out["audio_url"] = absolute_url(audio.file.url)
        out["audio_mime"] = audio.mime_type or "audio/mpeg"
    return out


def _article_slug(index: ArticleIndexPage, title: str, post_id: int) -> str:
    base = slugify(title, allow_unicode=True)[:60].strip("-") or f"post-{post_id}"
    if ArticlePage.objects.child_of(index).filter(slug=base).exists():
        return f"{base[:50]}-{post_id}"
    return base


@transaction.atomic
def site_publish_post(
    *,
    post_id: int,
    title: str,
    excerpt: str = "",
    body_html: str = "",
    tags: list[str] | None = None,
    author_name: str = "",
    image_url: str = "",
    image_alt: str = "",
    language: str = "",
) -> ArticlePage:
    """Create or update the ArticlePage of a post on its workspace's site and publish it as a new
    Wagtail revision. Keyed by source_post_id, so repeating the call updates the same page. The post's
    featured image (with alt text) and its audio are taken from the post when not given."""
    post = Post.objects.select_related("workspace", "featured_media").get(pk=post_id)
    index = site_ensure_for_workspace(post.workspace)
    page: ArticlePage | None = ArticlePage.objects.select_for_update().filter(source_post_id=post_id).first()
    if page is None:
        page = ArticlePage(title=title, slug=_article_slug(index, title, post_id), source_post_id=post_id)
        index.add_child(instance=page)
        page = ArticlePage.objects.get(pk=page.pk)
    media = post_media(post)
    page.title = title
    page.excerpt = excerpt or post.excerpt
    page.body = body_html
    page.tags = list(tags or [])
    page.author_name = author_name
    page.featured_image_url = absolute_url(image_url) if image_url else media["image_url"]
    page.featured_image_alt = image_alt or media["image_alt"]
    page.audio_url = media["audio_url"]
    page.audio_mime = media["audio_mime"]
    page.language = language or post.language or ""
    page.search_description = (page.excerpt or "")[:255]
    revision = page.save_revision(log_action=True)
    revision.publish()
    page.refresh_from_db()
    return page


@transaction.atomic
def site_unpublish_post(*, post_id: int) -> bool:
    """Take the post's page off the public site (kept as a draft in Wagtail). False if there is none."""
    page = ArticlePage.objects.filter(source_post_id=post_id).first()
    if page is None or not page.live:
        return False
    page.unpublish()
    return True


def site_article_live_url(*, post_id: int) -> str:
    """The article's address when it is live on its site, else ""."""
    page = ArticlePage.objects.filter(source_post_id=post_id, live=True).first()
    return (page.get_full_url() or "") if page is not None else ""


def site_article_url(*, post: Post) -> str:
    """Where the post lives on its workspace's site, or will live once published there."""
    page = ArticlePage.objects.filter(source_post_id=post.pk).first()
    live_url: str | None = page.get_full_url() if page is not None and page.live else None
    if live_url:
        return live_url
    home = workspace_home(post.workspace_id)
    index = ArticleIndexPage.objects.child_of(home).first() if home is not None else None
    if index is None:
        base = f"{site_base_url()}/{slugify(post.workspace.slug)}/articles"
        slug = slugify(post.title, allow_unicode=True)[:60].strip("-") or f"post-{post.pk}"
    else:
        base = (index.get_full_url() or "").rstrip("/")
        slug = page.slug if page is not None else _article_slug(index, post.title, post.pk)
    return f"{base}/{slug}/"


# --- the shared tree of earlier versions -----------------------------------------------------


def _move_article(article: ArticlePage, index: ArticleIndexPage) -> None:
    if index.get_children().filter(slug=article.slug).exists():
        article.slug = f"{article.slug[:50]}-{article.pk}"
        article.save(update_fields=["slug"])
    article.move(index, pos="last-child")


@transaction.atomic
def site_adopt_legacy_tree() -> dict:
    """Earlier versions kept every workspace's articles in one tree under a home page without a
    workspace: move each article to its workspace's own site, then drop the emptied shared pages.
    Articles whose post is gone stay in the old tree, which moves under the directory."""
    directory = site_ensure_directory()
    moved, kept = 0, 0
    for legacy in HomePage.objects.filter(workspace__isnull=True):
        for article in ArticlePage.objects.descendant_of(legacy).order_by("path"):
            post = Post.objects.select_related("workspace").filter(pk=article.source_post_id).first()
            if post is None:
                kept += 1
                continue
            _move_article(ArticlePage.objects.get(pk=article.pk), site_ensure_for_workspace(post.workspace))
            moved += 1
        legacy = HomePage.objects.get(pk=legacy.pk)
        if not ArticlePage.objects.descendant_of(legacy).exists():
            Site.objects.filter(root_page=legacy).delete()
            legacy.delete()
        elif not legacy.is_descendant_of(directory):
            Site.objects.filter(root_page=legacy).delete()
            # A fresh copy: moving into a node uses its child count, which the moves above changed.
            legacy.move(SiteDirectoryPage.objects.get(pk=directory.pk), pos="last-child")
    return {"moved": moved, "kept": kept}
