"""Helpers every websocket consumer uses: the Origin check."""

from __future__ import annotations

from urllib.parse import urlparse

from django.conf import settings
from django.http.request import validate_host


def origin_allowed(scope) -> bool:
    """Browsers always send Origin, so a present Origin must be one of ours; clients without a browser
    (y-websocket in Node, mobile apps) send none and authenticate with a token or cookie instead."""
    origin = next((value.decode("latin1") for name, value in scope.get("headers", []) if name == b"origin"), None)
    if origin is None:
        return True
    if origin in settings.WEBSOCKET_ALLOWED_ORIGINS:
        return True
    host = urlparse(origin).hostname
    return bool(host) and validate_host(host, settings.ALLOWED_HOSTS)
