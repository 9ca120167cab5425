"""Production turns on JSON logs and django-prometheus's database and cache wrappers; nothing of
issue 17 is required locally (make run) — every new setting has a default."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
CODE = """
import json
from django.conf import settings as s
print(json.dumps({
    "log": s.LOG_FORMAT,
    "renderer": s.LOGGING["formatters"]["structured"]["processors"][-1].__class__.__name__,
    "engine": s.DATABASES["default"]["ENGINE"],
    "cache": s.CACHES["default"]["BACKEND"],
    "middleware": [m for m in s.MIDDLEWARE if "prometheus" in m or "structlog" in m],
    "exempt": s.SECURE_REDIRECT_EXEMPT,
    "otel": s.OTEL_TRACES_ENDPOINT, "sentry": s.SENTRY_DSN, "metrics_token": s.METRICS_TOKEN,
}))
"""


def _settings(module: str, **env) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OTEL_", "SENTRY_", "METRICS_", "LOG_", "DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_"))
    }
    clean.update(DJANGO_SETTINGS_MODULE=module, PYTHONPATH=str(ROOT), **env)
    out = subprocess.run([sys.executable, "-c", CODE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_logs_json_and_counts_queries_and_cache_calls(tmp_path):
    got = _settings(
        "config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        CREDENTIALS_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL="postgres://u:p@127.0.0.1:1/x",
        REDIS_URL="redis://127.0.0.1:1/0",
        TRENDOSCOPE_VAR_DIR=str(tmp_path),
    )
    assert got["log"] == "json" and got["renderer"] == "JSONRenderer"
    assert got["engine"] == "django_prometheus.db.backends.postgresql"
    assert got["cache"] == "apps.core.cache_metrics.InstrumentedRedisCache"
    assert got["middleware"][0] == "django_prometheus.middleware.PrometheusBeforeMiddleware"
    assert got["middleware"][-1] == "django_prometheus.middleware.PrometheusAfterMiddleware"
    assert {r"^readyz$", r"^metrics$", r"^healthz$"} <= set(got["exempt"])


def test_local_needs_none_of_it(tmp_path):
    got = _settings("config.settings.local", TRENDOSCOPE_VAR_DIR=str(tmp_path))
    assert got["log"] == "plain" and got["renderer"] == "ConsoleRenderer"
    assert got["engine"] == "django.db.backends.sqlite3"
    assert (got["otel"], got["sentry"], got["metrics_token"]) == ("", "", "")
