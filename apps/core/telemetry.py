"""OpenTelemetry tracing and Sentry, each switched on only by its own standard environment variables.

Tracing: OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (OTLP over HTTP/protobuf, the
exporter reads them and OTEL_EXPORTER_OTLP_HEADERS itself), OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES
for the resource, OTEL_SDK_DISABLED=true to keep it off. Django, Celery, psycopg, httpx and redis are
instrumented. Errors: SENTRY_DSN (SENTRY_ENVIRONMENT, SENTRY_RELEASE, SENTRY_TRACES_SAMPLE_RATE).
Nothing here runs in a process where neither is set, so `make run` needs none of it.
"""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)
_state = {"tracing": False, "sentry": False}


def tracing_enabled() -> bool:
    return bool(settings.OTEL_TRACES_ENDPOINT) and not settings.OTEL_SDK_DISABLED


def setup() -> None:
    if tracing_enabled() and not _state["tracing"]:
        setup_tracing()
    if settings.SENTRY_DSN and not _state["sentry"]:
        setup_sentry()


def setup_tracing() -> None:
    # OpenTelemetry's SDK and instrumentations are imported only when tracing is switched on.
    from opentelemetry import trace
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.celery import CeleryInstrumentor
    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
    from opentelemetry.instrumentation.psycopg import PsycopgInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.name": settings.OTEL_SERVICE_NAME}).merge(OTELResourceDetector().detect())
    provider = TracerProvider(resource=resource)
    # BatchSpanProcessor re-creates its thread after a fork (Celery's prefork children, uvicorn workers).
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    DjangoInstrumentor().instrument(is_sql_commentor_enabled=False)
    CeleryInstrumentor().instrument()
    PsycopgInstrumentor().instrument(enable_commenter=False)
    HTTPXClientInstrumentor().instrument()
    RedisInstrumentor().instrument()
    _state["tracing"] = True
    logger.info("OpenTelemetry tracing to %s", settings.OTEL_TRACES_ENDPOINT)


def setup_sentry() -> None:
    import sentry_sdk  # only when SENTRY_DSN switches it on
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT or None,
        release=settings.SENTRY_RELEASE or None,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
    _state["sentry"] = True


def force_flush(timeout_millis: int = 5000) -> None:
    if _state["tracing"]:
        from opentelemetry import trace  # only when tracing was switched on

        provider = trace.get_tracer_provider()
        if hasattr(provider, "force_flush"):  # the SDK's provider (the API's default has none)
            provider.force_flush(timeout_millis)
    if _state["sentry"]:
        import sentry_sdk  # only when Sentry was switched on

        sentry_sdk.flush(timeout=timeout_millis / 1000)
