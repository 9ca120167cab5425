"""100 generations started at once, two real Celery worker processes (prefork, concurrency 2) on the
Redis broker: every job must end succeeded or failed with a visible reason, none lost.

Seventy jobs use the OpenAI-compatible provider against the local fake server, which answers the first
requests with injected 429s and 500s (so retries with backoff happen for real); thirty use the offline
provider. Baseline: the ideal makespan, i.e. the jobs' own measured run time (model + overhead) divided
by the two worker slots.

Run: .venv/bin/python -m benchmarks.bench_generation_load"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

from benchmarks._common import ROOT, django_setup, median, record

QUEUE = "bench-generation"
N_REMOTE, N_OFFLINE = 70, 30
DEADLINE_SECONDS = 170


def _workspace(slug: str, user):
    from apps.accounts.models import Membership, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": slug})
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": "writer"})
    return workspace


def main() -> None:
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    django_setup(database="trendoscope_bench_generation")
    from apps.accounts.models import User
    from apps.generation.crypto import secret_encrypt
    from apps.generation.models import AIProviderSettings, GenerationJob
    from apps.generation.services import generation_start
    from config.celery import app as celery_app
    from tests.generation.fake_openai import FakeOpenAI

    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = QUEUE
    user, _ = User.objects.get_or_create(username="bench-generation-writer", defaults={"email": "bg@example.com"})
    remote_ws = _workspace("bench-load-remote", user)
    offline_ws = _workspace("bench-load-offline", user)
    fake = FakeOpenAI(token_delay=0.002).start()
    fake.fail_next("429", seconds=1, times=8)
    fake.fail_next("500", times=4)
    AIProviderSettings.objects.update_or_create(
        workspace=remote_ws,
        defaults={
            "provider": "openai",
            "base_url": fake.base_url,
            "model": "fake-model",
            "api_key_encrypted": secret_encrypt("sk-bench"),
            "timeout_seconds": 20,
        },
    )
    AIProviderSettings.objects.update_or_create(workspace=offline_ws, defaults={"provider": "offline"})
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(QUEUE)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "2",
            "-Q",
            QUEUE,
            "-l",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            "bench-gen@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(3)  # let the pool fork before the burst
        started = time.monotonic()
        ids = []
        for n in range(N_REMOTE + N_OFFLINE):
            workspace = remote_ws if n < N_REMOTE else offline_ws
            job = generation_start(
                user=user,
                workspace=workspace,
                topic=f"Load test topic {n}",
                fmt=["article", "thread", "newsletter"][n % 3],
                with_image=False,
            )
            ids.append(job.pk)
        enqueue_seconds = time.monotonic() - started
        finished_states = ("succeeded", "failed", "cancelled")
        while time.monotonic() - started < DEADLINE_SECONDS:
            if GenerationJob.objects.filter(pk__in=ids).exclude(status__in=finished_states).count() == 0:
                break
            time.sleep(0.5)
        wall = time.monotonic() - started
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        fake.stop()

    jobs = list(GenerationJob.objects.filter(pk__in=ids))
    states = collections.Counter(j.status for j in jobs)
    reasons = collections.Counter(j.error.split(".")[0] for j in jobs if j.status == "failed")
    retried = sum(1 for j in jobs if j.attempts > 1)
    unfinished = [j.pk for j in jobs if j.status not in finished_states]
    work_ms = [j.model_ms + j.overhead_ms for j in jobs if j.status == "succeeded"]
    ideal = sum(work_ms) / 1000 / 2
    body = f"""{len(ids)} generations started at once ({N_REMOTE} OpenAI-compatible against the local fake server with
8 injected 429s and 4 injected 500s, {N_OFFLINE} offline), one Celery worker, prefork, concurrency 2, Redis broker.

- enqueued in {enqueue_seconds:.1f} s; all settled in {wall:.1f} s
- succeeded: {states.get("succeeded", 0)}, failed with a visible reason: {states.get("failed", 0)}, cancelled: {states.get("cancelled", 0)}, unfinished (lost): {len(unfinished)}
- jobs that needed a retry: {retried}; failure reasons: {dict(reasons) or "none"}
- per-job run time (model + overhead) median {median(work_ms):.0f} ms
- baseline (ideal makespan = summed run time / 2 slots): {ideal:.1f} s; actual / ideal = {wall / max(ideal, 0.001):.1f}×
  (the gap is retry backoff, broker round trips and the two worker slots sharing a 2-core machine with the database)
"""
    record("generation_load", ".venv/bin/python -m benchmarks.bench_generation_load", body)
    if unfinished:
        raise SystemExit(f"unfinished jobs: {unfinished}")


if __name__ == "__main__":
    main()
