"""Test settings: the real PostgreSQL and Redis when reachable; on CI their absence is an error."""

import os
import socket
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import SQLITE_OPTIONS, SQLITE_PATH


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), 1.0):
            return True
    except OSError:
        return False


ON_CI = bool(os.environ.get("CI"))
_db_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trendoscope")
_redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

USING_POSTGRES = _db_url.startswith("postgres") and _reachable(_db_url, 5432)
USING_REDIS = _reachable(_redis_url, 6379)
if ON_CI and not (USING_POSTGRES and USING_REDIS):
    raise ImproperlyConfigured(
        f"CI needs PostgreSQL ({_db_url}) and Redis ({_redis_url}); "
        f"reachable: postgres={USING_POSTGRES} redis={USING_REDIS}."
    )

if USING_POSTGRES:
    DATABASES = {"default": dj_database_url.parse(_db_url)}
else:
    # The embedded default, whatever DATABASE_URL named (an unreachable server falls back to it too).
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH.with_name("test.sqlite3")),
            "OPTIONS": SQLITE_OPTIONS,
        }
    }

# pytest-xdist workers share one Redis: give each its own key space, channel prefix and queue,
# since their test databases hand out the same primary keys (and so the same group names).
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# Several test runs may share one Redis (pub/sub ignores the database number): the test database's
# name keeps their key spaces and channels apart too.
_RUN = f"{urlparse(_db_url).path.strip('/') or 'sqlite'}-{XDIST_WORKER}"
REDIS_URL = _redis_url if USING_REDIS else ""
# The publishing token buckets and breakers live in REDIS_URL's database, which workers share.
PUBLISHING_REDIS_PREFIX = f"pub:{_RUN}:"


def _worker_redis_db(url: str) -> str:
    digits = "".join(ch for ch in XDIST_WORKER if ch.isdigit())
    if not digits and urlparse(url).path.strip("/"):
        return url  # one run without xdist: the database REDIS_URL names (parallel runs name their own)
    number = 1 + int(digits) % 14 if digits else 15
    return urlparse(url)._replace(path=f"/{number}").geturl()


if USING_REDIS:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A Redis database of its own per worker: cache.clear() is FLUSHDB, which a key prefix does not
            # fence (a test clearing the cache on one worker wiped another worker's throttle counts).
            "LOCATION": _worker_redis_db(REDIS_URL),
            "KEY_PREFIX": f"test-{_RUN}",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # socket_timeout: see base.py (redis-py 8 vs channels-redis BZPOPMIN).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "prefix": f"asgi-test-{_RUN}"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_DEFAULT_QUEUE = f"celery-test-{_RUN}"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_RATE_LIMITS = False
FETCH_ALLOW_PRIVATE_NETWORKS = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "10000/min", "user": "100000/min", "login": "10000/min"},
}
# Tests that need the per-username token-login limit lower it themselves.
TOKEN_LOGIN_FAILURES = 10000
MEDIA_ROOT = SQLITE_PATH.with_name("test-media")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
