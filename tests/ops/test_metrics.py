"""Issue 17 item 1: /metrics (django-prometheus + our own figures), protected, parsed by prometheus_client."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
import redis
from celery import shared_task
from django.conf import settings as django_settings
from django.utils import timezone

from apps.collaboration import metrics as collab_metrics
from apps.core import metrics as core_metrics
from apps.generation.models import GenerationJob
from apps.posts.models import PostState
from apps.publishing.models import Channel, Publication, PublicationState
from apps.sources.models import FetchAttempt, FetchOutcome, Source, SourceKind
from apps.trends import metrics as trend_metrics
from tests.factories import make_post

from .conftest import parse, sample_value

pytestmark = pytest.mark.django_db


@shared_task(name="ops.test_probe")
def probe() -> str:
    return "ok"


EXPECTED = {
    # django-prometheus: requests, database, cache
    "django_http_requests_total_by_method",
    "django_http_responses_total_by_status",
    "django_http_requests_latency_seconds_by_view_method",
    "django_db_execute",
    "django_db_query_duration_seconds",
    "django_cache_get",
    # ours
    "trendoscope_source_fetches",
    "trendoscope_source_fetch_failures",
    "trendoscope_source_items",
    "trendoscope_source_fetch_duration_seconds",
    "trendoscope_sources",
    "trendoscope_trend_items_assigned",
    "trendoscope_trends",
    "trendoscope_generation_jobs",
    "trendoscope_generation_tokens",
    "trendoscope_generation_cost",
    "trendoscope_publications",
    "trendoscope_publication_overdue_seconds",
    "trendoscope_publication_lateness_seconds",
    "trendoscope_collab_rooms",
    "trendoscope_collab_connections",
    "trendoscope_collab_frames",
    "trendoscope_collab_edit_to_peer_seconds",
    "trendoscope_celery_queue_length",
    "trendoscope_celery_task_duration_seconds",
    "trendoscope_celery_tasks",
    "trendoscope_beat_last_run_timestamp_seconds",
    "trendoscope_metrics_collector_errors",
}


def test_metrics_refuse_without_token_or_allowed_address(client, settings):
    settings.METRICS_TOKEN = "right-token"
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ключ-🔑").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer right-token").status_code == 200
    # a network allow-list instead of (or beside) the token
    settings.METRICS_ALLOWED_IPS = ["10.1.0.0/16", "not-a-network"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="garbage").status_code == 401
    # nothing configured: loopback only (make run, a local Prometheus)
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 401
    assert client.post("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 405


def test_every_figure_is_exposed_and_parses(scrape, workspace, writer, django_capture_on_commit_callbacks):
    source = Source.objects.create(workspace=workspace, url="https://example.com/feed", kind=SourceKind.REDDIT)
    before = scrape()
    fetched_before = sample_value(before, "trendoscope_source_items", kind="reddit", result="new") or 0
    failed_before = sample_value(before, "trendoscope_source_fetch_failures", kind="reddit") or 0
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        FetchAttempt.objects.create(
            source=source, workspace=workspace, started_at=now, duration_ms=420, outcome=FetchOutcome.OK, items_new=3
        )
        FetchAttempt.objects.create(
            source=source, workspace=workspace, started_at=now, duration_ms=9000, outcome=FetchOutcome.ERROR
        )
    post = make_post(
        workspace=workspace, user=writer, title="Паводки — 洪水 — فيضانات 👩‍👩‍👧", text="x", state=PostState.APPROVED
    )
    channel = Channel.objects.create(workspace=workspace, name="Hook", platform="webhook")
    Publication.objects.create(
        workspace=workspace, post=post, channel=channel, due_at=now - timedelta(minutes=10), next_attempt_at=now
    )
    other = make_post(workspace=workspace, user=writer, title="Ĺõŕë̃m", text="y", state=PostState.APPROVED)
    Publication.objects.create(
        workspace=workspace,
        post=other,
        channel=channel,
        state=PublicationState.PUBLISHED,
        due_at=now - timedelta(minutes=5),
        published_at=now - timedelta(minutes=3),
        next_attempt_at=now,
    )
    GenerationJob.objects.create(
        workspace=workspace,
        created_by=writer,
        topic="Թեմա",
        status="succeeded",
        provider="openai",
        prompt_tokens=120,
        completion_tokens=80,
        cost=Decimal("0.0042"),
    )
    trend_metrics.TREND_ITEMS_ASSIGNED.inc(2)
    collab_metrics.frame(10)

    families = scrape()
    missing = EXPECTED - set(families)
    assert not missing, f"not on /metrics: {sorted(missing)}"
    assert sample_value(families, "trendoscope_source_items", kind="reddit", result="new") == fetched_before + 3
    assert sample_value(families, "trendoscope_source_fetch_failures", kind="reddit") == failed_before + 1
    assert sample_value(
        families,
        "trendoscope_source_fetch_duration_seconds",
        "trendoscope_source_fetch_duration_seconds_count",
        kind="reddit",
    )
    assert sample_value(families, "trendoscope_sources", kind="reddit", status="active") == 1
    assert sample_value(families, "trendoscope_publications", state="pending", platform="webhook") == 1
    assert sample_value(families, "trendoscope_publications", state="published", platform="webhook") == 1
    overdue = sample_value(families, "trendoscope_publication_overdue_seconds", platform="webhook")
    assert 590 <= overdue <= 700
    assert 110 <= sample_value(families, "trendoscope_publication_lateness_seconds", platform="webhook") <= 130
    assert sample_value(families, "trendoscope_generation_jobs", state="succeeded", provider="openai") == 1
    assert sample_value(families, "trendoscope_generation_tokens", provider="openai", type="prompt") == 120
    assert sample_value(families, "trendoscope_generation_cost", provider="openai") == pytest.approx(0.0042)
    assert sample_value(families, "trendoscope_beat_last_run_timestamp_seconds") == 0
    errors = [s for s in families["trendoscope_metrics_collector_errors"].samples if s.value]
    assert not errors, errors


def test_beat_last_tick_and_task_durations(scrape):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    ran = timezone.now() - timedelta(seconds=30)
    PeriodicTask.objects.create(name="ops-test", task="core.ping", interval=every, last_run_at=ran)
    probe.delay()  # eager in tests: task_prerun/task_postrun still fire
    families = scrape()
    assert sample_value(families, "trendoscope_beat_last_run_timestamp_seconds") == pytest.approx(ran.timestamp())
    count = sample_value(
        families,
        "trendoscope_celery_task_duration_seconds",
        "trendoscope_celery_task_duration_seconds_count",
        task="ops.test_probe",
        state="success",
    )
    assert count and count >= 1


@pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis")
def test_queue_depth_is_the_redis_list_length(scrape, settings):
    queue = f"ops-metrics-queue-{settings.CELERY_TASK_DEFAULT_QUEUE}"
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    settings.METRICS_CELERY_QUEUES = [queue]
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(queue)
    client.rpush(queue, b"a", b"b", b"c")
    try:
        assert sample_value(scrape(), "trendoscope_celery_queue_length", queue=queue) == 3
    finally:
        client.delete(queue)
        client.close()


def test_live_editing_gauges_follow_the_rooms_of_this_process(scrape):
    from apps.collaboration import room as room_module

    class FakeRoom:
        connections = {object(), object()}

    loop = asyncio.new_event_loop()
    try:
        reg = room_module.Registry(layer=object())
        reg.rooms[987654] = FakeRoom()
        room_module._registries[loop] = reg
        collab_metrics.refresh()
        families = scrape()
        assert sample_value(families, "trendoscope_collab_rooms") >= 1
        assert sample_value(families, "trendoscope_collab_connections") >= 2
    finally:
        room_module._registries.pop(loop, None)
        loop.close()
        collab_metrics.refresh()


def test_multiprocess_mode_adds_up_the_files_of_every_process(tmp_path, monkeypatch):
    """uvicorn workers and Celery children each write their own files; a scrape reads them all."""
    import subprocess
    import sys

    code = "from prometheus_client import Counter; Counter('trendoscope_mp_probe', 'probe').inc(5)"
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    families = parse(core_metrics.exposition().decode())
    assert sample_value(families, "trendoscope_mp_probe", "trendoscope_mp_probe_total") == 10
