"""The HTTP client publishing talks to platforms with: one pooled client per worker process
(keep-alive to the platforms), on the guarded transport, since channel URLs come from workspace
members and private addresses are refused at connect time."""

from __future__ import annotations

import httpx
from django.conf import settings

from apps.core.http import GuardedTransport

_http: httpx.Client | None = None


def shared_http() -> httpx.Client:
    global _http
    if _http is None:
        _http = httpx.Client(
            timeout=httpx.Timeout(settings.PUBLISHING_HTTP_TIMEOUT, connect=5.0),
            headers={"User-Agent": "Trendoscope-Publisher/1.0"},
            transport=GuardedTransport(max_connections=20, max_keepalive=10),
        )
    return _http
