"""The websocket Origin check compares the whole origin (scheme, host, port), for every consumer."""

from __future__ import annotations

import pytest
import websockets

from apps.core.consumers import origin_allowed, parse_origin
from tests.collaboration.conftest import run_async
from tests.factories import make_post


def scope(origin: str | None, *, host: str = "news.example.com", scheme: str = "wss") -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))  # raw UTF-8 bytes, as a hostile client sends them
    return {"type": "websocket", "scheme": scheme, "headers": headers}


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["news.example.com", ".example.org"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://editor.example.net", "https://*.example.io:8443"]
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["http://localhost:5173"]


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "allowed"),
    [
        (None, "news.example.com", "wss", True),  # no browser: token clients
        ("https://news.example.com", "news.example.com", "wss", True),
        ("https://NEWS.example.com:443", "news.example.com", "wss", True),
        ("https://news.example.com:8443", "news.example.com", "wss", False),  # same host, other port
        ("http://news.example.com", "news.example.com", "wss", False),  # same host, other scheme
        ("https://news.example.com", "news.example.com", "ws", False),  # the socket is plain ws
        ("http://news.example.com:8000", "news.example.com:8000", "ws", True),
        ("http://news.example.com:8001", "news.example.com:8000", "ws", False),
        ("https://a.example.org", "a.example.org", "wss", True),
        ("https://evil.example", "news.example.com", "wss", False),
        ("https://evil.example", "evil.example", "wss", False),  # Host not in ALLOWED_HOSTS
        ("https://editor.example.net", "news.example.com", "wss", True),  # CSRF_TRUSTED_ORIGINS
        ("https://editor.example.net:444", "news.example.com", "wss", False),
        ("http://editor.example.net", "news.example.com", "wss", False),
        ("https://x.example.io:8443", "news.example.com", "wss", True),
        ("https://x.example.io", "news.example.com", "wss", False),
        ("https://example.io.evil.example:8443", "news.example.com", "wss", False),
        ("http://localhost:5173", "news.example.com", "wss", True),  # WEBSOCKET_ALLOWED_ORIGINS
        ("http://localhost:5174", "news.example.com", "wss", False),
        ("null", "news.example.com", "wss", False),
        ("https://news.example.com/path", "news.example.com", "wss", False),
        ("https://user@news.example.com", "news.example.com", "wss", False),
        ("https://news.example.com:99999", "news.example.com", "wss", False),
        ("https://новости.example.com", "news.example.com", "wss", False),
        ("file://", "news.example.com", "wss", False),
    ],
)
def test_origin_is_compared_whole(production_hosts, origin, host, scheme, allowed):
    assert origin_allowed(scope(origin, host=host, scheme=scheme)) is allowed


def test_two_origin_headers_are_refused(production_hosts):
    s = scope("https://news.example.com")
    s["headers"].append((b"origin", b"https://news.example.com"))
    assert origin_allowed(s) is False


def test_ipv6_origins():
    assert parse_origin("http://[::1]:8000") == ("http", "::1", 8000)
    assert origin_allowed(scope("http://[::1]:8000", host="[::1]:8000", scheme="ws"))
    assert not origin_allowed(scope("http://[::1]:8001", host="[::1]:8000", scheme="ws"))


@pytest.mark.postgres  # the live-editing room's update log (issue 12: the embedded default)
@pytest.mark.django_db(transaction=True)
def test_every_consumer_refuses_another_port_and_scheme(asgi_live_server, settings, writer, workspace):
    from apps.accounts.models import ApiToken
    from apps.generation.models import GenerationJob

    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    post = make_post(workspace=workspace, user=writer, title="Origin")
    job = GenerationJob.objects.create(workspace=workspace, topic="Origin", created_by=writer)
    token = ApiToken.issue(user=writer)[1]
    base, port = asgi_live_server.ws_url, asgi_live_server.port
    paths = [
        f"/ws/posts/{post.pk}/doc/",
        f"/ws/posts/{post.pk}/",
        f"/ws/posts/workspace/{workspace.pk}/",
        f"/ws/generation/jobs/{job.pk}/",
        f"/ws/trends/?workspace={workspace.pk}",
    ]

    async def scenario():
        for path in paths:
            url = f"{base}{path}{'&' if '?' in path else '?'}token={token}"
            async with websockets.connect(url, additional_headers={"Origin": f"http://127.0.0.1:{port}"}):
                pass
            for origin in (f"http://127.0.0.1:{port + 1}", f"https://127.0.0.1:{port}", "http://127.0.0.1"):
                with pytest.raises(websockets.InvalidStatus) as refused:
                    async with websockets.connect(url, additional_headers={"Origin": origin}):
                        pass
                assert refused.value.response.status_code == 403, (path, origin)

    run_async(scenario())
