"""Issue 17 item 4: /healthz (liveness) and /readyz (database, migrations, cache, broker, beat, worker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from apps.core import health

pytestmark = pytest.mark.django_db


def _beat_ran(seconds_ago: int) -> None:
    every, _ = IntervalSchedule.objects.get_or_create(every=60, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.update_or_create(
        name="ops-readyz",
        defaults={
            "task": "core.backup",
            "interval": every,
            "last_run_at": timezone.now() - timedelta(seconds=seconds_ago),
        },
    )


@pytest.fixture(autouse=True)
def _fresh():
    health._migrations_applied = False
    cache.delete(health.HEARTBEAT_KEY)
    yield
    cache.delete(health.HEARTBEAT_KEY)
    health._migrations_applied = False


def test_ready_when_everything_answers(client):
    _beat_ran(10)
    health.record_worker_heartbeat("worker@ops-test")
    response = client.get("/readyz?strict=1")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "cache", "channel_layer", "broker", "beat", "worker"}
    assert client.get("/healthz").status_code == 200


def test_stalled_beat_degrades_but_fails_only_strict_readiness(client, settings):
    settings.READYZ_BEAT_MAX_AGE = 60
    _beat_ran(3600)
    health.record_worker_heartbeat("worker@ops-test")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["beat"]
    assert (
        "3600 s ago" in response.json()["checks"]["beat"]["error"]
        or "ago" in response.json()["checks"]["beat"]["error"]
    )
    strict = client.get("/readyz?strict=1")
    assert strict.status_code == 503
    assert strict.json()["status"] == "fail"
    # a beat that never ran is not fresh either
    PeriodicTask.objects.all().delete()
    assert "never" in client.get("/readyz?strict=1").json()["checks"]["beat"]["error"]


def test_worker_heartbeat_missing_or_old(client, settings):
    if "locmem" in cache.__class__.__module__.lower():
        pytest.skip("a per-process cache cannot carry a worker's heartbeat")
    _beat_ran(5)
    response = client.get("/readyz?strict=1")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    settings.READYZ_WORKER_MAX_AGE = 100
    cache.set(health.HEARTBEAT_KEY, {"at": timezone.now().timestamp() - 500, "worker": "w@h"}, 60)
    assert "500 s ago" in client.get("/readyz?strict=1").json()["checks"]["worker"]["error"]


def test_unapplied_migration_is_not_ready(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT MAX(id) FROM django_migrations WHERE app = 'core')"
        )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "migrations" in response.json()["failed"]
    assert "core." in response.json()["checks"]["migrations"]["error"]


def test_unreachable_cache_is_not_ready(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cache" in response.json()["failed"]
    assert client.get("/healthz").status_code == 503


def test_readyz_answers_get_only(client):
    assert client.post("/readyz").status_code == 405
