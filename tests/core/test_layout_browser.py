"""The /app/ layout in Chromium at desktop and phone widths, with and without data (screenshots kept)."""

import pytest

from apps.core.services import audit_log
from tests.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_horizontal_scroll(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_dashboard_and_audit_log_on_a_phone(asgi_live_server, page, members, workspace):
    base = asgi_live_server.url
    for n in range(3):
        audit_log(actor=members["editor"], action="post.approve", workspace=workspace, target=workspace, data={"n": n})
    browser_login(page, base, "writer")
    page.screenshot(path=str(ARTIFACTS / "layout-dashboard-1280.png"), full_page=True)
    page.goto(f"{base}/app/audit/")
    assert page.locator("table.audit-table tbody tr").count() == 3
    page.screenshot(path=str(ARTIFACTS / "layout-audit-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    for name, path in [("dashboard", "/app/"), ("audit", "/app/audit/"), ("members", "/app/workspaces/members/")]:
        page.goto(base + path)
        assert _no_horizontal_scroll(page), name
        assert not page.locator(".sidebar").is_visible()
        assert page.locator("#workspace-select").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-390.png"), full_page=True)
    page.click(".nav-toggle-button")
    assert page.locator(".sidebar a", has_text="Audit log").is_visible()
    page.screenshot(path=str(ARTIFACTS / "layout-menu-390.png"), full_page=True)


def test_empty_states(asgi_live_server, page, members):
    base = asgi_live_server.url
    browser_login(page, base, "writer")
    assert page.locator(".empty-state").first.is_visible()
    page.goto(f"{base}/app/audit/")
    assert "Nothing recorded yet" in page.locator(".empty-state").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "layout-audit-empty-390.png"), full_page=True)


def test_members_page_for_an_admin_and_in_russian(asgi_live_server, page, members):
    base = asgi_live_server.url
    browser_login(page, base, "admin")
    page.goto(f"{base}/app/workspaces/members/")
    assert page.locator("form.member-add").is_visible()
    page.screenshot(path=str(ARTIFACTS / "layout-members-admin-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _no_horizontal_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "layout-members-admin-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})
    with page.expect_navigation():
        page.select_option("#language-select", "ru")
    page.goto(f"{base}/app/")
    assert page.locator("h1").first.inner_text() == "Панель"
    page.screenshot(path=str(ARTIFACTS / "layout-dashboard-ru-1280.png"), full_page=True)
