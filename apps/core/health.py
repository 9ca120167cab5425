"""Health checks.

/healthz (liveness and the compose web check): database, cache, channel layer and Celery broker.
/readyz (readiness, Kubernetes and compose probes): the same plus migrations applied, beat freshness
(django-celery-beat's PeriodicTask.last_run_at) and a worker heartbeat (written to the cache by every
worker, apps.core.health.start_worker_heartbeat). READYZ_SOFT_CHECKS are reported without failing
readiness unless ?strict=1.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.utils import timezone


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value it stored")
    cache.delete(key)
    return cache.__class__.__name__


def _channel_layer() -> str:
    layer = get_channel_layer()

    async def roundtrip():
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz"})
        return await layer.receive(channel)

    if async_to_sync(roundtrip)().get("type") != "healthz":
        raise RuntimeError("channel layer lost a message")
    return layer.__class__.__name__


def _broker() -> str:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "broker": _broker,
}


class NotReady(Exception):
    pass


_migrations_applied = False


def _migrations() -> str:
    """No unapplied migration (remembered once true: a process's code does not change)."""
    global _migrations_applied
    if _migrations_applied:
        return "applied"

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        raise NotReady(f"{len(plan)} unapplied migration(s): {names}")
    _migrations_applied = True
    return "applied"


def _beat() -> str:
    last = apps.get_model("django_celery_beat", "PeriodicTask").objects.aggregate(last=Max("last_run_at"))["last"]
    if last is None:
        raise NotReady("beat has never sent a periodic task")
    age = (timezone.now() - last).total_seconds()
    if age > settings.READYZ_BEAT_MAX_AGE:
        raise NotReady(f"beat last sent a task {int(age)} s ago (limit {settings.READYZ_BEAT_MAX_AGE} s)")
    return f"last run {int(age)} s ago"


HEARTBEAT_KEY = "ops:worker-heartbeat"


def record_worker_heartbeat(hostname: str) -> None:
    now = timezone.now().timestamp()
    cache.set(HEARTBEAT_KEY, {"at": now, "worker": hostname}, settings.READYZ_WORKER_MAX_AGE * 2)


def _worker() -> str:
    if "locmem" in cache.__class__.__module__.lower():
        return "not checked (the cache is per process)"
    beat = cache.get(HEARTBEAT_KEY)
    if not beat:
        raise NotReady("no worker heartbeat")
    age = timezone.now().timestamp() - beat["at"]
    if age > settings.READYZ_WORKER_MAX_AGE:
        raise NotReady(f"last worker heartbeat {int(age)} s ago from {beat['worker']}")
    return f"{beat['worker']} {int(age)} s ago"


def start_worker_heartbeat(sender=None, **_kwargs) -> None:
    """celery worker_ready: write the heartbeat now and every WORKER_HEARTBEAT_SECONDS (daemon thread)."""
    hostname = getattr(sender, "hostname", None) or "worker"
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):  # the cache is down: /readyz says so, the worker carries on
                record_worker_heartbeat(hostname)
            stop.wait(settings.WORKER_HEARTBEAT_SECONDS)

    threading.Thread(target=loop, name="worker-heartbeat", daemon=True).start()


READY_CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "migrations": _migrations,
    "cache": _cache,
    # what websockets need: live-editing rooms and post events talk through the channel layer
    "channel_layer": _channel_layer,
    "broker": _broker,
    "beat": _beat,
    "worker": _worker,
}


def run_checks(checks: dict[str, Callable[[], str]] | None = None) -> tuple[bool, dict[str, dict]]:
    results, healthy = {}, True
    for name, check in (CHECKS if checks is None else checks).items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, "backend": str(detail)}
        except Exception as exc:  # a health check reports every failure instead of raising it
            healthy = False
            results[name] = {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results


def readiness(*, strict: bool) -> tuple[bool, dict[str, dict]]:
    _ok, results = run_checks(READY_CHECKS)
    soft = set() if strict else set(settings.READYZ_SOFT_CHECKS)
    ready = all(result["ok"] or name in soft for name, result in results.items())
    return ready, results
