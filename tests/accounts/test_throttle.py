"""Token-login throttles: keyed on the address the server sees (not a client's X-Forwarded-For), plus a
per-username failure limit that no number of addresses gets around; the web login alike."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.accounts.api.throttling import login_failures_clear

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def fresh_limits(settings, writer):
    """The real rates, and no counts left over from another run sharing this Redis."""
    cache.clear()
    login_failures_clear("writer")
    login_failures_clear("WRITER")
    yield settings
    cache.clear()


def _guess(client, n, *, username="writer", password="wrong", xff=None, addr="127.0.0.1"):
    extra = {"REMOTE_ADDR": addr}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff.format(n=n)
    return client.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def test_a_new_x_forwarded_for_per_request_does_not_reset_the_address_limit(fresh_limits):
    fresh_limits.REST_FRAMEWORK = {
        **fresh_limits.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "10000/min", "login": "10/min"},
    }
    client = APIClient()
    codes = [_guess(client, n, username=f"nobody{n}", xff="10.0.{n}.1").status_code for n in range(40)]
    assert codes[:10] == [401] * 10
    assert set(codes[10:]) == {429}
    body = _guess(client, 99, username="x", xff="203.0.113.9").json()
    assert body["error"]["code"] == "throttled"


def test_failures_per_username_are_limited_across_addresses(fresh_limits, password):
    fresh_limits.TOKEN_LOGIN_FAILURES = 5
    client = APIClient()
    codes = [_guess(client, n, addr=f"198.51.100.{n}").status_code for n in range(1, 9)]
    assert codes == [401] * 5 + [429] * 3
    # the right password waits too (otherwise the limit only slows the guessing down)
    locked = _guess(client, 0, password=password, addr="198.51.100.200")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    # the case of the login does not open another counter
    assert _guess(client, 0, username="WRITER", addr="198.51.100.201").status_code == 429
    # another account is not affected
    assert _guess(client, 0, username="editor", addr="198.51.100.202").status_code == 401


def test_a_successful_login_resets_the_failures(fresh_limits, password):
    fresh_limits.TOKEN_LOGIN_FAILURES = 3
    client = APIClient()
    assert [_guess(client, n).status_code for n in range(2)] == [401, 401]
    assert _guess(client, 0, password=password).status_code == 201
    assert [_guess(client, n).status_code for n in range(3)] == [401, 401, 401]
    assert _guess(client, 0).status_code == 429


def test_the_web_login_limit_ignores_x_forwarded_for(fresh_limits, client):
    fresh_limits.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,1000/5m/key"}
    codes = []
    for n in range(14):
        response = client.post(
            "/accounts/login/",
            {"login": f"nobody{n}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.1.{n}.1",
        )
        codes.append((response.status_code, "Too many failed login attempts" in response.content.decode()))
    assert codes[:10] == [(200, False)] * 10  # the form again, with "wrong password"
    assert set(codes[10:]) == {(200, True)}


def test_the_image_trusts_proxy_headers_only_from_the_proxy():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    entrypoint = (root / "docker" / "entrypoint.sh").read_text()
    assert '--forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"' in entrypoint
    assert "FORWARDED_ALLOW_IPS:-*" not in entrypoint
