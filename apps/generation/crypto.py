"""Encryption of stored credentials (AI keys) with Fernet; the key comes from settings."""

from __future__ import annotations

from cryptography.fernet import InvalidToken, MultiFernet

from apps.core.crypto import credentials_fernet


def _fernet() -> MultiFernet:
    # settings.CREDENTIALS_KEYS encrypt; values stored under the SECRET_KEY-derived key still decrypt.
    return credentials_fernet("trendoscope-fields:")


def secret_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
