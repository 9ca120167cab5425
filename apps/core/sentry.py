"""Sentry error reporting (imported only where SENTRY_DSN is set: sentry-sdk takes most of a second to
import). See apps.core.telemetry for the environment variables."""

from __future__ import annotations

import sentry_sdk
from django.conf import settings
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def setup() -> None:
    sentry_sdk.init(
        dsn=settings.SENTRY_DSN,
        environment=settings.SENTRY_ENVIRONMENT or None,
        release=settings.SENTRY_RELEASE or None,
        traces_sample_rate=settings.SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )


def flush(timeout_millis: int) -> None:
    sentry_sdk.flush(timeout=timeout_millis / 1000)
