"""The provider a workspace configured: offline when none is, else the OpenAI-compatible one."""

from __future__ import annotations

from ..crypto import secret_decrypt
from .base import Provider
from .offline import OfflineProvider
from .openai_compat import OpenAICompatibleProvider


def provider_for_settings(ai_settings) -> Provider:
    """The provider a workspace configured; offline when none is configured."""
    if ai_settings is None or ai_settings.provider != "openai":
        return OfflineProvider()
    return OpenAICompatibleProvider(
        api_key=secret_decrypt(ai_settings.api_key_encrypted),
        base_url=ai_settings.base_url,
        model=ai_settings.model,
        image_model=ai_settings.image_model,
        speech_model=ai_settings.speech_model,
        speech_voice=ai_settings.speech_voice,
        transcription_model=ai_settings.transcription_model,
        timeout=float(ai_settings.timeout_seconds or 60),
    )
