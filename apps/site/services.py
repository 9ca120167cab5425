"""The public site's page tree: a home page with an article index beneath it."""

from __future__ import annotations

from django.db import transaction
from wagtail.models import Page, Site

from .models import ArticleIndexPage, HomePage


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
