"""Production: everything from the environment, secure by default."""

from django.core.exceptions import ImproperlyConfigured

from apps.core.logging import logging_config

from .base import *
from .base import (
    CACHES,
    CREDENTIALS_KEYS,
    DATABASES,
    DEFAULT_FROM_EMAIL,
    FIELD_ENCRYPTION_KEY,
    SECRET_KEY,
    STORAGES,
    env_bool,
    env_int,
    env_str,
)

DEBUG = False

# The values shipped in .env.example and docker/env.example (and anything that reads like a placeholder)
# are public: a server started with one of them has no secret at all.
SAMPLE_SECRET_KEYS = {
    "change-me-to-a-long-random-string-of-at-least-fifty-characters",
    "replace-with-the-output-of-python-c-import-secrets-print-secrets-token-urlsafe-64",
}
_PLACEHOLDER_WORDS = ("insecure", "change-me", "changeme", "replace-", "replace_me", "example", "secret-key")


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot be a production SECRET_KEY (None when it can)."""
    lowered = key.strip().lower()
    if len(key) < 50:
        return "shorter than 50 characters"
    if lowered in SAMPLE_SECRET_KEYS or any(word in lowered for word in _PLACEHOLDER_WORDS):
        return "a sample or placeholder value"
    if len(set(key)) < 16:
        return "too few distinct characters"
    return None


_problem = secret_key_problem(SECRET_KEY)
if _problem:
    raise ImproperlyConfigured(
        f"Set DJANGO_SECRET_KEY to a long random value in production (the current one is {_problem}): "
        'python -c "import secrets; print(secrets.token_urlsafe(64))"'
    )
if not (CREDENTIALS_KEYS or FIELD_ENCRYPTION_KEY):
    raise ImproperlyConfigured(
        "Set CREDENTIALS_KEYS to a Fernet key in production (stored platform and AI credentials are encrypted "
        'with it, not with DJANGO_SECRET_KEY): python -c "from cryptography.fernet import Fernet; '
        'print(Fernet.generate_key().decode())"'
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the editor's JavaScript reads the CSRF cookie for its fetch() calls
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Media on S3-compatible storage (MinIO in docker/compose.yml): browsers need a public address for it.
AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN", "") or None
AWS_S3_URL_PROTOCOL = env_str("AWS_S3_URL_PROTOCOL", "https:")
AWS_S3_FILE_OVERWRITE = False
AWS_DEFAULT_ACL = None

# Logs go to stdout as one JSON object a line (apps.core.logging); the container runtime collects them.
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = logging_config(fmt=LOG_FORMAT, level=LOG_LEVEL)

# django-prometheus counts queries and cache calls through its wrappers of the same backends.
_PROMETHEUS_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
_PROMETHEUS_CACHES = {
    "django.core.cache.backends.redis.RedisCache": "apps.core.cache_metrics.InstrumentedRedisCache",
    "django.core.cache.backends.locmem.LocMemCache": "django_prometheus.cache.backends.locmem.LocMemCache",
}
if env_bool("METRICS_DJANGO_BACKENDS", True):
    for _db in DATABASES.values():
        _db["ENGINE"] = _PROMETHEUS_ENGINES.get(_db["ENGINE"], _db["ENGINE"])
    for _cache in CACHES.values():
        _cache["BACKEND"] = _PROMETHEUS_CACHES.get(_cache["BACKEND"], _cache["BACKEND"])
