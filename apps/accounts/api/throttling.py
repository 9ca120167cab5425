"""Throttles for POST /api/v1/auth/token/.

The per-address limit (ScopedRateThrottle "login") keys on the client's address as the server sees it
(settings.NUM_PROXIES, not a header the client writes). Addresses are cheap, so failed logins are also
counted per username: after settings.TOKEN_LOGIN_FAILURES wrong passwords for one login within
TOKEN_LOGIN_FAILURE_WINDOW seconds, that login is refused (429) from every address until the window ends.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class LoginRateThrottle(ScopedRateThrottle):
    """The "login" rate per client address (REMOTE_ADDR, or X-Forwarded-For read with NUM_PROXIES)."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802 - DRF's name; read when used, so a changed setting applies
        return api_settings.DEFAULT_THROTTLE_RATES


def _keys(login: str) -> tuple[str, str]:
    digest = hashlib.sha256(login.strip().casefold().encode("utf-8", "surrogatepass")).hexdigest()
    return f"auth-token-failures:{digest}", f"auth-token-failures-until:{digest}"


def login_failures_wait(login: str) -> float | None:
    """Seconds until `login` may try again, or None when it may try now."""
    count_key, until_key = _keys(login)
    found = cache.get_many([count_key, until_key])
    if found.get(count_key, 0) < settings.TOKEN_LOGIN_FAILURES:
        return None
    remaining = found.get(until_key, 0) - time.time()
    return remaining if remaining > 0 else None


def login_failure_record(login: str) -> None:
    """Count one failure; the window starts at the first failure (atomic increments, so parallel
    guesses are all counted)."""
    count_key, until_key = _keys(login)
    window = settings.TOKEN_LOGIN_FAILURE_WINDOW
    cache.add(until_key, time.time() + window, timeout=window)
    cache.add(count_key, 0, timeout=window)
    try:
        cache.incr(count_key)
    except ValueError:  # expired between add and incr
        cache.set(count_key, 1, timeout=window)


def login_failures_clear(login: str) -> None:
    cache.delete_many(list(_keys(login)))
