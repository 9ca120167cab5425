"""AI providers behind one interface: offline (default, no key) and any OpenAI-compatible server."""

from __future__ import annotations

from urllib.parse import urlsplit

from .base import Provider

AI_ALLOW_SETTING = "AI_ALLOWED_PRIVATE_ORIGINS"
DEFAULT_BASE_URL = "https://api.openai.com/v1"  # the SDK's own default when the base URL is empty


def base_url_error(base_url: str) -> str:
    """Why a workspace may not use this base URL ("" when it may): the same check the guarded
    transport makes at connection time, run when the address is saved. Private and reserved addresses
    pass only when the operator lists the origin in AI_ALLOWED_PRIVATE_ORIGINS."""
    from apps.sources.fetching import FetchError, outbound_url_check

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


def provider_for_settings(ai_settings) -> Provider:
    """The provider a workspace configured; offline when none is configured."""
    from ..crypto import secret_decrypt
    from .offline import OfflineProvider
    from .openai_compat import OpenAICompatibleProvider

    if ai_settings is None or ai_settings.provider != "openai":
        return OfflineProvider()
    return OpenAICompatibleProvider(
        api_key=secret_decrypt(ai_settings.api_key_encrypted),
        base_url=ai_settings.base_url,
        model=ai_settings.model,
        image_model=ai_settings.image_model,
        speech_model=ai_settings.speech_model,
        speech_voice=ai_settings.speech_voice,
        timeout=float(ai_settings.timeout_seconds or 60),
    )
