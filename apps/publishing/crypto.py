"""Channel credentials at rest: Fernet with settings.CREDENTIALS_KEYS (apps.core.crypto); values stored
under the older key derived from SECRET_KEY still decrypt."""

from __future__ import annotations

import json

from cryptography.fernet import InvalidToken, MultiFernet

from apps.core.crypto import credentials_fernet


def fernet() -> MultiFernet:
    return credentials_fernet("trendoscope.publishing.credentials:")


def credentials_encrypt(*, secrets: dict) -> str:
    if not secrets:
        return ""
    return fernet().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def credentials_decrypt(*, token: str) -> dict:
    if not token:
        return {}
    try:
        return json.loads(fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ValueError("channel credentials cannot be decrypted with the current key") from exc
