"""Health checks for /healthz: database, cache, channel layer and Celery broker."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection


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
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else conn.transport.driver_type


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "channel_layer": _channel_layer,
    "broker": _broker,
}


def run_checks() -> tuple[bool, dict[str, dict]]:
    results, healthy = {}, True
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail = check()
            results[name] = {"ok": True, "backend": str(detail)}
        except Exception as exc:  # a health check reports every failure instead of raising it
            healthy = False
            results[name] = {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"[:300]}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return healthy, results
