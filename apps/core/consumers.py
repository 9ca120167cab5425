"""Helpers every websocket consumer uses: the Origin check."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an Origin (or trusted-origin setting) value; None when it is not one
    (`null`, another scheme, a path, credentials, a bad port)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _trusted(origin: tuple[str, str, int], value: str) -> bool:
    """`value` as Django's CSRF_TRUSTED_ORIGINS writes them: a full origin, "https://*.example.com"
    for any subdomain."""
    wildcard = "://*." in value
    trusted = parse_origin(value.replace("://*.", "://", 1) if wildcard else value)
    if trusted is None:
        return False
    scheme, host, port = trusted
    if origin[0] != scheme or origin[2] != port:
        return False
    return origin[1] == host or (wildcard and origin[1].endswith("." + host))


def origin_allowed(scope) -> bool:
    """Browsers always send Origin, so a present Origin must be one of ours, compared whole (scheme,
    host and port): the origin the socket was opened on (its Host, one of ALLOWED_HOSTS, with http
    for ws and https for wss) or one of WEBSOCKET_ALLOWED_ORIGINS / CSRF_TRUSTED_ORIGINS. Clients
    without a browser (y-websocket in Node, mobile apps) send none and authenticate with a token."""
    headers = scope.get("headers", [])
    origins = [value.decode("latin1") for name, value in headers if name == b"origin"]
    if not origins:
        return True
    if len(origins) > 1:
        return False
    origin = parse_origin(origins[0])
    if origin is None:
        return False
    for value in [*settings.WEBSOCKET_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS]:
        if _trusted(origin, value):
            return True
    host_header = next((value.decode("latin1") for name, value in headers if name == b"host"), "")
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    try:
        own_port = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return False
    own_host = domain[1:-1] if domain.startswith("[") else domain
    return origin == (scheme, own_host.lower(), own_port)
