"""Stored credentials are encrypted with CREDENTIALS_KEYS, not a key derived from SECRET_KEY; what was
stored under the derived key (before a key was configured) stays readable, and keys rotate."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet, InvalidToken

from apps.generation import crypto as ai_crypto
from apps.publishing import crypto as channel_crypto


def _legacy(purpose: bytes, secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(purpose + secret.encode()).digest()))


@pytest.fixture
def keys(settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [first]
    settings.FIELD_ENCRYPTION_KEY = ""
    return settings, first, second


def test_new_values_use_the_configured_key_not_the_secret_key(keys):
    settings, first, _second = keys
    token = ai_crypto.secret_encrypt("sk-тест-密钥-🔑")
    assert Fernet(first.encode()).decrypt(token.encode()).decode() == "sk-тест-密钥-🔑"
    with pytest.raises(InvalidToken):
        _legacy(b"trendoscope-fields:", settings.SECRET_KEY).decrypt(token.encode())
    sealed = channel_crypto.credentials_encrypt(secrets={"token": "бот:123"})
    assert Fernet(first.encode()).decrypt(sealed.encode())


def test_values_stored_under_the_secret_key_derived_key_stay_readable(keys):
    settings, _first, _second = keys
    old_ai = _legacy(b"trendoscope-fields:", settings.SECRET_KEY).encrypt(b"sk-old").decode()
    old_channel = _legacy(b"trendoscope.publishing.credentials:", settings.SECRET_KEY).encrypt(b'{"t": "x"}').decode()
    assert ai_crypto.secret_decrypt(old_ai) == "sk-old"
    assert channel_crypto.credentials_decrypt(token=old_channel) == {"t": "x"}


def test_rotation_keeps_values_under_the_older_key(keys):
    settings, first, second = keys
    token = ai_crypto.secret_encrypt("sk-1")
    settings.CREDENTIALS_KEYS = [second, first]
    assert ai_crypto.secret_decrypt(token) == "sk-1"
    assert Fernet(second.encode()).decrypt(ai_crypto.secret_encrypt("sk-2").encode()) == b"sk-2"
