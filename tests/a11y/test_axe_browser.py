"""Every page of the editorial app passes axe-core with no serious or critical violation, as each demo
role, in English and in Russian, and in the dark theme (the system's prefers-color-scheme).

The walk (tests/a11y/walk.py) starts at /app/ on the seeded demo workspace and follows every same-origin
link under /app/; axe-core comes from frontend/node_modules (npm package axe-core), injected by
Playwright into each page."""

from __future__ import annotations

import json

import pytest

from apps.accounts.demo import DEFAULT_PASSWORD
from apps.accounts.models import Workspace
from tests.conftest import ARTIFACTS, browser_login
from tests.ux.demo import seed_demo

from .walk import AXE, axe_violations, walk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not AXE.exists(), reason="npm package axe-core not installed in frontend/node_modules"),
]
# The main pages, photographed in the dark theme for a person to look at (test-artifacts/).
DARK_SCREENSHOTS = ("/app/", "/app/sources/", "/app/trends/", "/app/posts/", "/app/posts/board/", "/app/publishing/")


@pytest.fixture
def demo(asgi_live_server):
    seed_demo()
    return asgi_live_server.url


def _walk_as(chromium, demo, role: str, language: str, tag: str, **context_options):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True, **context_options)
    context.add_cookies([{"name": "django_language", "value": language, "url": demo}])
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        browser_login(page, demo, role, DEFAULT_PASSWORD)
        visited, failures = walk(page, demo, f"axe-{tag}")
        if context_options.get("color_scheme") == "dark":
            for path in DARK_SCREENSHOTS:
                page.goto(demo + path)
                name = path.strip("/").replace("/", "-") or "dashboard"
                page.screenshot(path=str(ARTIFACTS / f"dark-{name}.png"), full_page=True)
    finally:
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{tag}.json").write_text(
        json.dumps({"visited": visited, "failures": failures}, ensure_ascii=False, indent=1)
    )
    return visited, failures


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("role", ["writer", "editor", "publisher", "admin"])
def test_every_page_passes_axe(demo, chromium, role, language):
    visited, failures = _walk_as(chromium, demo, role, language, f"{role}-{language}")
    assert len(visited) >= 20, visited
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


def test_every_page_passes_axe_in_the_dark_theme(demo, chromium):
    """axe-core's color-contrast rule runs on the dark palette: every app stylesheet must use the theme's
    variables, not light colours of its own."""
    visited, failures = _walk_as(chromium, demo, "admin", "en", "admin-dark", color_scheme="dark")
    assert len(visited) >= 20, visited
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)


def test_the_public_sites_pass_axe_in_the_dark_theme(demo, chromium):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True, color_scheme="dark")
    page = context.new_page()
    failures = {}
    try:
        for path in ("/", *(f"/{slug}/" for slug in Workspace.objects.values_list("slug", flat=True))):
            page.goto(demo + path)
            page.screenshot(path=str(ARTIFACTS / f"dark-site{path.replace('/', '-')}.png"), full_page=True)
            if found := axe_violations(page):
                failures[path] = found
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    finally:
        context.close()
    assert background == "rgb(22, 20, 15)", background
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
