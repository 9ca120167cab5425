"""Run in a subprocess by tests/ops/test_logs_and_traces.py (its own process: tracing, Sentry and the log
configuration are process-wide)."""

from __future__ import annotations

import os
import sys

import django


def traces() -> None:
    import httpx
    from django.test import Client

    from apps.core import telemetry

    assert telemetry._state == {"tracing": True, "sentry": True}, telemetry._state
    assert Client().get("/healthz", HTTP_HOST="localhost").status_code in (200, 503)
    httpx.get(os.environ["PROBE_URL"] + "/ping", timeout=5)
    import sentry_sdk

    sentry_sdk.capture_message("ops probe message Ünïcødé")
    telemetry.force_flush()


def logs() -> None:
    """A request queues a task; a real worker (in a thread, memory broker) runs it."""
    import threading

    from celery import shared_task
    from celery.contrib.testing.worker import start_worker
    from django.http import HttpResponse
    from django.test import Client, override_settings
    from django.urls import path

    from config.celery import app

    ran = threading.Event()

    @shared_task(name="ops.log_probe")
    def log_probe() -> None:
        import structlog

        structlog.get_logger("ops.probe").info("inside the task")
        ran.set()

    def view(request):
        log_probe.delay()
        return HttpResponse("queued")

    import types

    urls = types.ModuleType("ops_probe_urls")
    urls.urlpatterns = [path("queue", view)]
    sys.modules["ops_probe_urls"] = urls
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"
    app.conf.task_default_queue = "ops-probe"
    with override_settings(ROOT_URLCONF="ops_probe_urls"):
        response = Client().get("/queue", HTTP_X_REQUEST_ID="req-ops-4242")
        assert response.status_code == 200
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, loglevel="INFO"):
        assert ran.wait(30), "the worker did not run the task"


if __name__ == "__main__":
    django.setup()
    # one process for both (a Django start costs seconds): traces and Sentry first, then the logs
    traces()
    logs()
    from apps.core import telemetry

    telemetry.force_flush()
