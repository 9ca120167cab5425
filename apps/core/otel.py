"""OpenTelemetry tracing (imported only where tracing is configured: its packages take about a second
to import). See apps.core.telemetry for the environment variables."""

from __future__ import annotations

import logging

from django.conf import settings
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

logger = logging.getLogger(__name__)


def setup() -> None:
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
    logger.info("OpenTelemetry tracing to %s", settings.OTEL_TRACES_ENDPOINT)


def flush(timeout_millis: int) -> None:
    provider = trace.get_tracer_provider()
    if hasattr(provider, "force_flush"):  # the SDK's provider (the API's default has none)
        provider.force_flush(timeout_millis)
