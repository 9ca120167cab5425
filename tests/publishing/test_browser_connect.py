"""Connecting an X account in Chromium: add the channel, sign in on the (local) platform's consent
page, come back connected; the authorization is revoked, the channel asks to be reconnected, and
Reconnect brings it back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.publishing.models import Channel
from tests.conftest import ARTIFACTS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_an_x_account_then_reconnect_it(asgi_live_server, page, members, fake, oauth_settings):
    fake.oauth.auto_approve = False  # show the consent page, as X does
    base = asgi_live_server.url
    browser_login(page, base, "publisher")
    page.goto(f"{base}/app/publishing/")
    page.select_option("select[name=platform]", "x")
    page.get_by_role("button", name="Add channel").click()
    page.fill("#name", "Newsroom on X")
    page.get_by_role("button", name="Save and connect").click()
    # On the platform: its consent page.
    expect(page.locator("h1")).to_have_text("Authorize Trendoscope on x?")
    assert page.url.startswith(f"{fake.url}/i/oauth2/authorize?")
    page.screenshot(path=str(ARTIFACTS / "connect-x-consent.png"))
    page.click("#approve")
    page.wait_for_url(f"{base}/app/publishing/channels/**")
    expect(page.locator(".message.success").last).to_contain_text("Account connected: newsroom")
    expect(page.locator(".health-panel")).to_contain_text("Connected as newsroom.")
    expect(page.locator(".messages")).not_to_contain_text("The token of this channel")  # renewed by itself
    expect(page.get_by_role("button", name="Disconnect")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "connect-x-connected.png"), full_page=True)
    channel = Channel.objects.get(name="Newsroom on X")
    assert not channel.needs_reconnect and channel.credentials_expire_at is not None

    # The person removes the app on X: the connection test says so and asks to reconnect.
    fake.oauth.revoke_everything()
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator(".message.error").first).to_contain_text("The test failed")
    expect(page.locator(".health-panel")).to_contain_text("Needs reconnecting.")
    reconnect = page.get_by_role("button", name="Reconnect")
    expect(reconnect).to_have_class("danger")
    page.goto(f"{base}/app/publishing/")
    row = page.locator("tr.channel-row", has_text="Newsroom on X")
    expect(row).to_have_attribute("data-health", "reconnect")
    expect(row).to_contain_text("needs reconnecting")
    page.screenshot(path=str(ARTIFACTS / "connect-x-needs-reconnecting.png"), full_page=True)

    # Reconnect, cancel once on the platform (nothing changes), then approve.
    row.get_by_role("link", name="Newsroom on X").click()
    page.get_by_role("button", name="Reconnect").click()
    page.click("#deny")
    expect(page.locator(".message.error").first).to_contain_text("did not grant access")
    page.get_by_role("button", name="Reconnect").click()
    page.click("#approve")
    expect(page.locator(".message.success").last).to_contain_text("Account connected: newsroom")
    expect(page.locator(".health-panel")).not_to_contain_text("Needs reconnecting")
    channel.refresh_from_db()
    assert not channel.needs_reconnect
    page.goto(f"{base}/app/publishing/")
    expect(page.locator("tr.channel-row", has_text="Newsroom on X")).to_have_attribute("data-health", "ok")
