import pytest

from tests.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_in_chromium_and_see_dashboard(asgi_live_server, page, members):
    browser_login(page, asgi_live_server.url, "editor")
    assert page.locator("h1").first.inner_text() == "Dashboard"
    assert "Newsroom" in page.locator(".workspace-switcher").inner_text()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.click(".nav-toggle-button")
    assert page.locator(".sidebar a", has_text="Trends").is_visible()


def test_wrong_password_in_chromium(asgi_live_server, page, members):
    page.goto(f"{asgi_live_server.url}/accounts/login/")
    page.fill("input[name=login]", "editor")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "not correct" in page.content()
