"""Prometheus metrics: the /metrics endpoint, Celery task and queue figures, and the scrape-time collectors.

Two kinds of figures:
- live ones (prometheus_client Counter/Histogram) counted where things happen. With PROMETHEUS_MULTIPROC_DIR
  set (docker/entrypoint.sh sets it) every uvicorn worker and every Celery child writes its own files there
  and a scrape adds them up (prometheus_client's multiprocess mode); without it they live in the process.
- scrape-time ones read from the database, Redis or this process when Prometheus asks: the apps register
  them with `scrape_collector` in their own apps/<app>/metrics.py (found by autodiscovery, core imports no
  app), so every web replica answers the same and nothing is lost when a process restarts.

The endpoint answers only a bearer METRICS_TOKEN or a client address in METRICS_ALLOWED_IPS (both empty:
only loopback, so `make run` and local Prometheus work and nothing is exposed by default).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterable

# django-prometheus's database and cache families are declared even where the wrapped backends are
# not configured (local development), so dashboards show "no data" rather than an unknown metric.
import django_prometheus.cache.metrics
import django_prometheus.db.metrics  # noqa: F401
import redis
from celery import signals
from django.apps import apps
from django.conf import settings
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import autodiscover_modules
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily, Metric

from .health import start_worker_heartbeat

logger = logging.getLogger(__name__)

PREFIX = "trendoscope"
# Seconds: from quick cache hits to the slowest task a worker may run (CELERY_TASK_TIME_LIMIT 360 s).
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

CELERY_TASK_SECONDS = Histogram(
    f"{PREFIX}_celery_task_duration_seconds",
    "Celery task run time (task_prerun to task_postrun).",
    ["task", "state"],
    buckets=DURATION_BUCKETS,
)
CELERY_TASKS = Counter(f"{PREFIX}_celery_tasks", "Celery tasks finished, by outcome.", ["task", "state"])

ScrapeCollector = Callable[[], Iterable[Metric]]
SCRAPE_COLLECTORS: dict[str, ScrapeCollector] = {}


def scrape_collector(func: ScrapeCollector) -> ScrapeCollector:
    """Register a function that yields metric families when /metrics is scraped."""
    SCRAPE_COLLECTORS[f"{func.__module__}.{func.__qualname__}"] = func
    return func


class _ScrapeTime:
    def collect(self) -> Iterable[Metric]:
        errors = GaugeMetricFamily(
            f"{PREFIX}_metrics_collector_errors",
            "1 when a scrape-time collector failed on this scrape.",
            labels=["collector"],
        )
        for name, func in SCRAPE_COLLECTORS.items():
            try:
                yield from list(func())
                errors.add_metric([name], 0)
            except Exception:  # one broken collector must not hide the others
                logger.exception("metrics collector %s failed", name)
                errors.add_metric([name], 1)
        yield errors


_SCRAPE_REGISTRY = CollectorRegistry(auto_describe=False)
_SCRAPE_REGISTRY.register(_ScrapeTime())


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def live_registry() -> CollectorRegistry:
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def exposition() -> bytes:
    return generate_latest(live_registry()) + generate_latest(_SCRAPE_REGISTRY)


def discover() -> None:
    """Import every installed app's metrics module (their collectors and signal receivers)."""
    autodiscover_modules("metrics")


# --- access -----------------------------------------------------------------------------------------


def _client_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    allowed = settings.METRICS_ALLOWED_IPS
    if not allowed and not token:
        return address.is_loopback
    for network in allowed:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _client_allowed(request):
        response = HttpResponse("metrics need a bearer token or an allowed address\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


# --- Celery: task durations, queue depth --------------------------------------------------------------

_task_started: dict[str, float] = {}


def _task_prerun(task_id=None, **_kwargs) -> None:
    if task_id:
        _task_started[task_id] = time.perf_counter()


def _task_postrun(task_id=None, task=None, state=None, **_kwargs) -> None:
    started = _task_started.pop(task_id, None) if task_id else None
    name = getattr(task, "name", "unknown")
    outcome = (state or "unknown").lower()
    CELERY_TASKS.labels(name, outcome).inc()
    if started is not None:
        CELERY_TASK_SECONDS.labels(name, outcome).observe(time.perf_counter() - started)


def connect_celery_signals() -> None:
    signals.task_prerun.connect(_task_prerun, weak=False, dispatch_uid="metrics-task-prerun")
    signals.task_postrun.connect(_task_postrun, weak=False, dispatch_uid="metrics-task-postrun")
    signals.worker_init.connect(_worker_http_server, weak=False, dispatch_uid="metrics-worker-http")
    # /readyz's worker check (apps.core.health)
    signals.worker_ready.connect(start_worker_heartbeat, weak=False, dispatch_uid="health-worker-heartbeat")


def _worker_http_server(**_kwargs) -> None:
    """A worker pod has no web server: METRICS_WORKER_PORT makes the worker's main process serve its
    children's figures (multiprocess files) for Prometheus. Unset (the default): nothing listens."""
    port = settings.METRICS_WORKER_PORT
    if not port:
        return
    start_http_server(port, addr=settings.METRICS_WORKER_ADDR, registry=live_registry())


def celery_queues() -> list[str]:
    configured = settings.METRICS_CELERY_QUEUES
    if configured:
        return list(configured)
    return [settings.CELERY_TASK_DEFAULT_QUEUE or "celery"]


@scrape_collector
def celery_queue_depth() -> Iterable[Metric]:
    family = GaugeMetricFamily(
        f"{PREFIX}_celery_queue_length", "Messages waiting in a Celery queue (Redis LLEN).", labels=["queue"]
    )
    broker = settings.CELERY_BROKER_URL or ""
    if broker.startswith(("redis://", "rediss://")):
        client = redis.Redis.from_url(broker, socket_timeout=2, socket_connect_timeout=2)
        try:
            for queue in celery_queues():
                # kombu's Redis transport keeps one list per queue (and per priority: "queue\x06\x16N").
                depth = client.llen(queue) + sum(client.llen(f"{queue}\x06\x16{p}") for p in (3, 6, 9))
                family.add_metric([queue], depth)
        finally:
            client.close()
    yield family


@scrape_collector
def beat_last_tick() -> Iterable[Metric]:
    """django-celery-beat stamps PeriodicTask.last_run_at whenever beat sends a task."""
    periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    last = periodic.objects.aggregate(last=Max("last_run_at"))["last"]
    family = GaugeMetricFamily(
        f"{PREFIX}_beat_last_run_timestamp_seconds",
        "When celery beat last sent a periodic task (Unix time; 0 = never).",
    )
    family.add_metric([], last.timestamp() if last else 0)
    yield family
    enabled = GaugeMetricFamily(f"{PREFIX}_beat_periodic_tasks", "Enabled periodic tasks in beat's schedule.")
    enabled.add_metric([], periodic.objects.filter(enabled=True).count())
    yield enabled
