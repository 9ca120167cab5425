"""Where a workspace's AI provider may be reached: the address check run when a base URL is saved
(the guarded transport checks again at every connection) and the origin a stored key belongs to."""

from __future__ import annotations

from urllib.parse import urlsplit

from apps.core.http import FetchError, outbound_url_check

AI_ALLOW_SETTING = "AI_ALLOWED_PRIVATE_ORIGINS"
DEFAULT_BASE_URL = "https://api.openai.com/v1"  # the SDK's own default when the base URL is empty


def base_url_error(base_url: str) -> str:
    """Why a workspace may not use this base URL ("" when it may): the same check the guarded
    transport makes at connection time, run when the address is saved. Private and reserved addresses
    pass only when the operator lists the origin in AI_ALLOWED_PRIVATE_ORIGINS."""
    if not base_url:
        return ""
    try:
        outbound_url_check(base_url, allow_setting=AI_ALLOW_SETTING)
    except FetchError as exc:
        return exc.message
    return ""


def base_url_origin(base_url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port the key is sent to (the SDK's default server when empty)."""
    parts = urlsplit(base_url or DEFAULT_BASE_URL)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port
