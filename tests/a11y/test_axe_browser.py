"""Every page of the editorial app passes axe-core with no serious or critical violation, as each demo
role, in English and in Russian.

The walk starts at /app/ on the seeded demo workspace and follows every same-origin link under /app/
(one page per URL pattern, so /app/posts/3/ and /app/posts/4/ count once); axe-core comes from
frontend/node_modules (npm package axe-core), injected by Playwright into each page."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from apps.accounts.demo import DEFAULT_PASSWORD
from tests.conftest import ARTIFACTS, browser_login
from tests.ux.demo import seed_demo

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# Pages that are not ours to fix here or not HTML: the API's Swagger UI, downloads, one-click actions.
SKIP_PREFIXES = ("/app/sources/opml/",)
MAX_PAGES = 80

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not AXE.exists(), reason="npm package axe-core not installed in frontend/node_modules"),
]


@pytest.fixture
def demo(asgi_live_server):
    seed_demo()
    return asgi_live_server.url


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.url_name else match.route


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != base or not parts.path.startswith("/app/"):
            continue
        if parts.path.startswith(SKIP_PREFIXES):
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else ""))
    return out


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def walk(page, base: str, tag: str) -> tuple[list[str], dict[str, list[dict]]]:
    """Visit one page per URL pattern reachable from /app/; return the visited paths and the failures."""
    queue, seen_routes, visited, failures = ["/app/"], set(), [], {}
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        route = _route(path.split("?")[0])
        if route is None or (route, "?" in path) in seen_routes:
            continue
        seen_routes.add((route, "?" in path))
        response = page.goto(base + path)
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert response.status < 500, f"{path}: HTTP {response.status}"
        visited.append(path)
        found = axe_violations(page)
        if found:
            failures[path] = found
            page.screenshot(path=str(ARTIFACTS / f"axe-{tag}-{route.replace(':', '-')}.png"), full_page=True)
        queue.extend(link for link in _links(page, base) if link not in queue)
    return visited, failures


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("role", ["writer", "editor", "publisher", "admin"])
def test_every_page_passes_axe(demo, chromium, role, language):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    context.add_cookies([{"name": "django_language", "value": language, "url": demo}])
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        browser_login(page, demo, role, DEFAULT_PASSWORD)
        visited, failures = walk(page, demo, f"{role}-{language}")
    finally:
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{role}-{language}.json").write_text(
        json.dumps({"visited": visited, "failures": failures}, ensure_ascii=False, indent=1)
    )
    assert len(visited) >= 20, visited
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
