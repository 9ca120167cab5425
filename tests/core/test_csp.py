"""Content-Security-Policy (django-csp): every page of ours sends it, scripts only from our origin (or with
the response's nonce), no inline handlers in the templates, and the pages work under it in Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from apps.sources.models import Source
from tests.conftest import browser_login

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("apps/**/templates")]
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I | re.S)
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I
)


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/app/", "/app/workspaces/members/", "/app/trends/"])
def test_app_pages_send_a_strict_policy(client_for, writer, path):
    response = client_for(writer).get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_the_login_page_and_the_api_send_it_too(client, api_client_for, writer):
    assert "script-src" in _policy(client.get("/accounts/login/"))
    assert "default-src" in _policy(api_client_for(writer).get("/api/v1/me/"))


def test_test_settings_keep_the_policy_on():
    from django.conf import settings

    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert (
        "CONTENT_SECURITY_POLICY_REPORT_ONLY" not in dir(settings) or not settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
    )


def test_templates_have_no_inline_handlers_or_scripts_without_a_nonce():
    offenders = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if "/email/" in str(path):
                continue  # e-mails are not served under our policy
            text = path.read_text()
            for pattern in (INLINE_HANDLER, INLINE_SCRIPT):
                offenders += [f"{path.relative_to(ROOT)}: {m.group(0)[:80]}" for m in pattern.finditer(text)]
    assert offenders == []


# --- in Chromium -------------------------------------------------------------------------------------
VIOLATIONS = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""


def _watch(page):
    """Chromium reports each violation on the console (kept across navigations) and as an event."""
    page.add_init_script(VIOLATIONS)
    messages = []
    page.on("console", lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None)
    return messages


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_policy_in_chromium(asgi_live_server, page, members, workspace):
    base = asgi_live_server.url
    console = _watch(page)
    page.goto(f"{base}/accounts/login/")
    page.select_option("#entrance-language", "ru")  # data-autosubmit, formerly onchange=
    page.wait_for_function("() => document.documentElement.lang === 'ru'")
    page.wait_for_load_state("networkidle")
    page.select_option("#entrance-language", "en")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.wait_for_load_state("networkidle")
    browser_login(page, base, "admin")
    for path in ["/app/", "/app/trends/", "/app/posts/", "/app/workspaces/members/"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    source = Source.objects.create(workspace=workspace, name="Лента 新闻", url="https://feeds.example.org/rss")
    page.goto(f"{base}/app/sources/{source.pk}/")
    page.once("dialog", lambda dialog: dialog.dismiss())  # data-confirm, formerly onsubmit=
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_timeout(300)
    assert Source.objects.filter(pk=source.pk).exists()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("form[data-confirm] button[type=submit]")
    assert not Source.objects.filter(pk=source.pk).exists()
    page.select_option("#language-select", "ru")
    page.wait_for_function("() => document.documentElement.lang === 'ru'")
    page.wait_for_load_state("networkidle")
    page.goto(f"{base}/app/trends/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.__csp") == []
    assert console == []
