"""OpenTelemetry tracing and Sentry, each switched on only by its own standard environment variables.

Tracing: OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (OTLP over HTTP/protobuf, the
exporter reads them and OTEL_EXPORTER_OTLP_HEADERS itself), OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
for the resource, OTEL_SDK_DISABLED=true to keep it off. Django, Celery, psycopg, httpx and redis are
instrumented. Errors: SENTRY_DSN (SENTRY_ENVIRONMENT, SENTRY_RELEASE, SENTRY_TRACES_SAMPLE_RATE).
Nothing here runs in a process where neither is set, so `make run` needs none of it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

_state = {"tracing": False, "sentry": False}
_backends: list[Any] = []  # the modules set up above, each with flush(timeout_millis)


def tracing_enabled() -> bool:
    return bool(settings.OTEL_TRACES_ENDPOINT) and not settings.OTEL_SDK_DISABLED


def setup() -> None:
    if tracing_enabled() and not _state["tracing"]:
        setup_tracing()
    if settings.SENTRY_DSN and not _state["sentry"]:
        setup_sentry()


def setup_tracing() -> None:
    from . import otel  # heavy optional: OpenTelemetry (~1 s to import), only where tracing is configured

    otel.setup()
    _backends.append(otel)
    _state["tracing"] = True


def setup_sentry() -> None:
    from . import sentry  # heavy optional: sentry-sdk (~0.7 s to import), only where SENTRY_DSN is set

    sentry.setup()
    _backends.append(sentry)
    _state["sentry"] = True


def force_flush(timeout_millis: int = 5000) -> None:
    for backend in _backends:
        backend.flush(timeout_millis)
