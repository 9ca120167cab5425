"""The allauth pages in Chromium, in our layout: each one is screenshotted to test-artifacts/allauth-*.png."""

import re

import pytest

from tests.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"allauth-{name}.png"), full_page=True)


def _assert_styled(page):
    # our stylesheet is applied: the card, a full-width primary button, labelled fields
    assert page.locator("main.entrance-card").count() == 1
    button = page.locator("main.entrance-card button[type=submit]").first
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(59, 91, 219)"
    for field in page.locator("main.entrance-card input:not([type=hidden]):not([type=checkbox])").all():
        field_id = field.get_attribute("id")
        assert page.locator(f"label[for='{field_id}']").count() == 1, field_id


def test_signed_out_pages(asgi_live_server, page, members):
    base = asgi_live_server.url
    for name, path in [
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("password-reset", "/accounts/password/reset/"),
    ]:
        page.goto(base + path)
        _assert_styled(page)
        _shot(page, name)

    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", "editor")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".errorlist, .alert").first.is_visible()
    _shot(page, "login-error")

    page.goto(base + "/accounts/password/reset/")
    page.fill("input[name=email]", "editor@example.com")
    page.click("button[type=submit]")
    page.wait_for_url("**/password/reset/done/")
    _shot(page, "password-reset-done")

    page.goto(base + "/accounts/signup/")
    page.fill("input[name=email]", "fresh@example.com")
    page.fill("input[name=username]", "fresh")
    page.fill("input[name=password1]", "a-long-pass-phrase-1")
    page.fill("input[name=password2]", "a-long-pass-phrase-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/confirm-email/")
    assert "verify" in page.content().lower() or "confirm" in page.content().lower()
    _shot(page, "verification-sent")

    # the e-mail verification link: confirm page, then straight into the app's first-workspace state
    from django.core import mail

    link = next(m for m in mail.outbox if "fresh@example.com" in m.to).body
    path = re.search(r"/accounts/confirm-email/\S+/", link).group(0)
    page.goto(base + path)
    _shot(page, "confirm-email")
    page.click("main.entrance-card button[type=submit]")
    page.wait_for_url("**/app/")
    assert page.locator("#first-workspace-name").is_visible()
    _shot(page, "first-workspace")
    page.fill("#first-workspace-name", "Fresh Desk")
    page.click(".first-workspace button[type=submit]")
    assert "Fresh Desk" in page.locator(".workspace-switcher").inner_text()

    # the password reset link from the e-mail
    reset = next(m for m in mail.outbox if "editor@example.com" in m.to).body
    page.goto(base + re.search(r"/accounts/password/reset/key/\S+/", reset).group(0))
    page.wait_for_selector("input[name=password1]")
    _shot(page, "password-reset-key")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(base + "/accounts/login/")
    assert page.locator("main.entrance-card").bounding_box()["width"] <= 390
    _shot(page, "login-390")


def test_signed_in_pages(asgi_live_server, page, members):
    base = asgi_live_server.url
    browser_login(page, base, "editor")
    for name, path in [("email", "/accounts/email/"), ("password-change", "/accounts/password/change/")]:
        page.goto(base + path)
        _assert_styled(page)
        _shot(page, name)
    page.goto(base + "/accounts/logout/")
    _shot(page, "logout")
    page.click("main.entrance-card button[type=submit]")
    page.wait_for_url("**/accounts/login/")
