"""Stored AI keys: the one credentials helper (apps.core.crypto) under this app's purpose."""

from __future__ import annotations

from apps.core.crypto import decrypt_text, encrypt_text

PURPOSE = "trendoscope-fields:"  # the prefix of the legacy SECRET_KEY derivation for these values


def secret_encrypt(value: str) -> str:
    return encrypt_text(value, purpose=PURPOSE)


def secret_decrypt(token: str) -> str:
    return decrypt_text(token, purpose=PURPOSE)
