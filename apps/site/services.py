"""The public site's page tree: a home page with an article index beneath it."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from .models import ArticleIndexPage, ArticlePage, HomePage


@transaction.atomic
def site_ensure_tree() -> ArticleIndexPage:
    """Create (once) the home page as the default site's root and the "articles" index under it."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title="Trendoscope", slug="home-site", intro="<p>What our newsroom is writing about.</p>")
        root.add_child(instance=home)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Trendoscope"
            )
        else:
            old_root = site.root_page
            site.root_page = home
            site.save()
            # Wagtail's initial migration leaves a placeholder "Welcome" page; it is no longer reachable.
            if old_root.specific_class is Page and not old_root.get_children().exists():
                old_root.delete()
    index = ArticleIndexPage.objects.child_of(home).first()
    if index is None:
        index = ArticleIndexPage(title="Articles", slug="articles")
        home.add_child(instance=index)
    return index


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
) -> ArticlePage:
    """Create or update the ArticlePage of a post and publish it as a new Wagtail revision.
    Keyed by source_post_id, so repeating the call updates the same page."""
    from django.utils.text import slugify

    index = site_ensure_tree()
    page = ArticlePage.objects.select_for_update().filter(source_post_id=post_id).first()
    if page is None:
        base = slugify(title)[:60] or f"post-{post_id}"
        slug = base
        if ArticlePage.objects.child_of(index).filter(slug=slug).exists():
            slug = f"{base}-{post_id}"
        page = ArticlePage(title=title, slug=slug, source_post_id=post_id)
        index.add_child(instance=page)
        page = ArticlePage.objects.get(pk=page.pk)
    page.title = title
    page.excerpt = excerpt
    page.body = body_html
    page.tags = list(tags or [])
    page.author_name = author_name
    page.featured_image_url = image_url
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
