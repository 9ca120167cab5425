"""The demo workspace for the page-walking browser tests (tests/a11y, tests/ux)."""

from django.conf import settings
from django.core.management import call_command
from wagtail.models import Locale, Page


def seed_demo() -> None:
    """seed_demo, also after a transactional test's flush removed the page tree's root that Wagtail's
    migration had made."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(title="Root", slug="root")
    call_command("seed_demo", quiet=True)
