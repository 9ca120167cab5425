"""Encryption of stored credentials (AI keys) with Fernet; the key comes from settings."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        # Derived from SECRET_KEY so a fresh install works; set FIELD_ENCRYPTION_KEY in production
        # so rotating SECRET_KEY does not make stored keys unreadable.
        key = base64.urlsafe_b64encode(hashlib.sha256(f"trendoscope-fields:{settings.SECRET_KEY}".encode()).digest())
    return Fernet(key)


def secret_encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def secret_decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
