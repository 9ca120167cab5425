"""Data migration: earlier versions kept every workspace's articles in one page tree (a home page
without a workspace as the default Wagtail Site's root, at localhost:80). Each article moves to its
workspace's own site and the default Site takes SITE_URL's host and port.

It runs the current page models (treebeard's moves cannot be done with historical models); it only
does anything when such a shared tree exists, which is only the case on databases from before 0002."""

from django.db import migrations


def split_tree(apps, schema_editor):
    HomePage = apps.get_model("site", "HomePage")
    ArticlePage = apps.get_model("site", "ArticlePage")
    if not HomePage.objects.filter(workspace__isnull=True).exists() and not ArticlePage.objects.exists():
        return
    from apps.site.services import site_adopt_legacy_tree

    site_adopt_legacy_tree()


class Migration(migrations.Migration):
    dependencies = [
        ("site", "0002_sites_per_workspace_links_headline_tests"),
        ("posts", "0005_email_share"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(split_tree, migrations.RunPython.noop)]
