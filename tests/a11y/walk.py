"""The page walk the browser checks share (axe-core in light and dark, the Russian walk): from /app/ on
the seeded demo workspace, every same-origin link under /app/ is followed, one page per URL pattern (so
/app/posts/3/ and /app/posts/4/ count once), and each page visited is handed to a check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from tests.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}
# Pages that are not ours to fix here or not HTML: the API's Swagger UI, downloads, one-click actions.
SKIP_PREFIXES = ("/app/sources/opml/", "/app/posts/notifications/")
MAX_PAGES = 80


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


def axe_violations(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }"""
    )
    return [v for v in result if v["impact"] in BLOCKING]


def walk(
    page, base: str, tag: str, check: Callable[[object], list] = axe_violations, start: tuple[str, ...] = ()
) -> tuple[list[str], dict[str, list]]:
    """Visit `start` and one page per URL pattern reachable from /app/; return the visited paths and,
    per page, what `check(page)` found (a screenshot of each page with findings)."""
    queue, seen_routes, visited, failures = ["/app/", *start], set(), [], {}
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
        found = check(page)
        if found:
            failures[path] = found
            page.screenshot(path=str(ARTIFACTS / f"{tag}-{route.replace(':', '-')}.png"), full_page=True)
        queue.extend(link for link in _links(page, base) if link not in queue)
    return visited, failures
