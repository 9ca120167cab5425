"""The feed HTTP client: SSRF refusals (direct and via redirect), caps, time limits, conditional GET."""

from __future__ import annotations

import time

import pytest

from apps.core.http import BlockedAddress, BodyTooLarge, FetchError, FetchTimeout, address_is_blocked, parse_retry_after
from apps.sources.fetching import USER_AGENT, fetch_url

BLOCKED_URLS = [
    "http://127.0.0.1/feed",
    "http://10.0.0.1/feed",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/feed",
    "http://localhost/feed",
    "http://100.64.0.1/feed",
    "http://[::ffff:127.0.0.1]/feed",
    "http://0.0.0.0/feed",
    "http://224.0.0.1/feed",
]


@pytest.mark.parametrize("url", BLOCKED_URLS)
def test_private_addresses_are_refused_directly(url, settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(BlockedAddress):
        fetch_url(url, total_timeout=3)


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1/x", "http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[::1]/x"],
)
def test_redirects_to_private_addresses_are_refused(target, settings, feed_server, monkeypatch):
    """The first hop is allowed (as if public); the redirect to a private address is re-checked."""
    from apps.core import http
    from apps.sources import fetching

    feed_server.add("/start", status=302, headers={"Location": target})
    real_resolve = http.resolve_checked
    monkeypatch.setattr(
        http,
        "resolve_checked",
        lambda host, port: ["127.0.0.1"] if port == feed_server.port else real_resolve(host, port),
    )
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    monkeypatch.setattr(fetching, "_check_url", _check_url_allowing_server(fetching, feed_server.port))
    with pytest.raises(BlockedAddress):
        fetch_url(feed_server.url("/start"), total_timeout=3)
    assert [path for path, _h in feed_server.requests] == ["/start"]


def _check_url_allowing_server(fetching, port):
    original = fetching._check_url

    def check(url):
        if url.startswith(f"http://127.0.0.1:{port}/"):
            return None
        return original(url)

    return check


@pytest.mark.parametrize(
    ("ip", "blocked"),
    [
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("192.168.1.1", True),
        ("172.16.0.1", True),
        ("100.127.255.254", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("::ffff:10.0.0.1", True),
        ("240.0.0.1", True),
    ],
)
def test_address_classification(ip, blocked):
    assert address_is_blocked(ip) is blocked


def test_resolved_names_are_checked(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(BlockedAddress, match="localhost"):
        fetch_url("http://localhost:9/feed", total_timeout=3)


def test_fetch_sends_user_agent_gzip_and_validators(allow_private, feed_server):
    url = feed_server.add("/feed", b"<rss/>" * 1000, etag='"v1"', gzip=True, headers={"Last-Modified": "x"})
    result = fetch_url(url)
    assert result.status == 200 and result.body == b"<rss/>" * 1000 and result.etag == '"v1"'
    _path, headers = feed_server.requests[-1]
    assert headers["user-agent"] == USER_AGENT and "gzip" in headers["accept-encoding"]
    again = fetch_url(url, etag='"v1"', last_modified="x")
    assert again.not_modified and again.status == 304 and again.body == b""
    assert feed_server.requests[-1][1]["if-none-match"] == '"v1"'


def test_redirects_are_followed_up_to_five(allow_private, feed_server):
    for i in range(6):
        feed_server.add(f"/r{i}", status=301, headers={"Location": f"/r{i + 1}"})
    feed_server.add("/r6", b"ok")
    with pytest.raises(FetchError, match="redirects"):
        fetch_url(feed_server.url("/r0"))
    result = fetch_url(feed_server.url("/r1"))
    assert result.body == b"ok" and result.final_url.endswith("/r6")


def test_body_cap_stops_a_50_mb_body(allow_private, feed_server):
    url = feed_server.add("/huge", stream_bytes=50 * 1024 * 1024)
    started = time.monotonic()
    with pytest.raises(BodyTooLarge):
        fetch_url(url)
    assert time.monotonic() - started < 5


def test_declared_length_over_cap_is_refused_before_reading(allow_private, feed_server):
    url = feed_server.add("/big", b"x" * 2048)
    with pytest.raises(BodyTooLarge):
        fetch_url(url, max_bytes=1024)


def test_one_byte_a_second_is_cut_at_the_time_limit(allow_private, feed_server):
    url = feed_server.add("/slow", trickle=True)
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetch_url(url, total_timeout=1.5)
    assert time.monotonic() - started < 3


def test_http_errors_carry_status_and_retry_after(allow_private, feed_server):
    url = feed_server.add("/busy", b"", status=429, headers={"Retry-After": "120"})
    with pytest.raises(FetchError) as info:
        fetch_url(url)
    assert info.value.status == 429 and info.value.retry_after == 120


def test_only_http_schemes(settings):
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://x"):
        with pytest.raises(FetchError):
            fetch_url(url)


def test_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480 - 60) == 60
    assert parse_retry_after("soon") is None
