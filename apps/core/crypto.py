"""Fernet keys for credentials at rest (platform tokens, AI keys).

settings.CREDENTIALS_KEYS (then the older FIELD_ENCRYPTION_KEY) hold the keys: the first encrypts, every
one decrypts, so a key can be rotated by putting the new one first. A key derived from SECRET_KEY is the
last resort: it encrypts only when no key is configured (local development) and always decrypts, so
values stored before a key was configured stay readable.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def configured_keys() -> tuple[str, ...]:
    keys = [*getattr(settings, "CREDENTIALS_KEYS", []), getattr(settings, "FIELD_ENCRYPTION_KEY", "")]
    return tuple(dict.fromkeys(key.strip() for key in keys if key and key.strip()))


def derived_key(purpose: str, secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(purpose.encode() + secret.encode()).digest())


@lru_cache(maxsize=16)
def _multi(keys: tuple[str, ...], purpose: str, secret: str) -> MultiFernet:
    try:
        fernets = [Fernet(key.encode()) for key in keys]
    except ValueError as exc:
        raise ImproperlyConfigured("CREDENTIALS_KEYS holds a value that is not a Fernet key.") from exc
    return MultiFernet([*fernets, Fernet(derived_key(purpose, secret))])


def credentials_fernet(purpose: str) -> MultiFernet:
    """`purpose` is the prefix of the legacy SECRET_KEY derivation (each app used its own)."""
    return _multi(configured_keys(), purpose, settings.SECRET_KEY)
