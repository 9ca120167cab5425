"""Generation overhead outside the model's own time, and token-to-browser latency.

1. Overhead: the Celery task run in-process (task start, claim, prompt build, streaming fan-out,
   persistence of post + revision + provenance + usage) minus the time spent inside the provider, for
   the offline provider and for the OpenAI-compatible provider against the local fake server.
   Baseline: writing the bare Post + first Revision through posts.services.post_create.
2. Latency: the fake server stamps each streamed token with its index and records when it wrote it;
   a websocket client connected to uvicorn (Redis channel layer) records when each token arrives.
   Baseline: an event sent straight through the channel layer to the same socket (no provider, no SDK).

Run: .venv/bin/python -m benchmarks.bench_generation"""

from __future__ import annotations

import asyncio
import json
import os
import re
import threading
import time

from benchmarks._common import django_setup, median, percentile, record

N_OVERHEAD = 30
STAMP_RE = re.compile(r"⟨(\d+)⟩")


def _fixtures():
    from django.utils import timezone

    from apps.accounts.models import Membership, User, Workspace
    from apps.sources.models import Item, Source

    workspace, _ = Workspace.objects.get_or_create(slug="bench-generation", defaults={"name": "Bench generation"})
    user, _ = User.objects.get_or_create(username="bench-generation-writer", defaults={"email": "bg@example.com"})
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": "writer"})
    source, _ = Source.objects.get_or_create(
        workspace=workspace, url="https://example.com/feed.xml", listing="", defaults={"name": "Example News"}
    )
    text = (
        "Researchers released an open language model on Monday. The model matches proprietary systems on "
        "several reasoning benchmarks. “This is the first time an open model has reached parity on these "
        "tasks,” said Jane Doe, who led the evaluation. Independent labs reproduced the results within a day. "
        "The weights are available under a permissive licence. The institute plans a multilingual release. "
    ) * 3
    item, _ = Item.objects.get_or_create(
        workspace=workspace,
        canonical_url="https://example.com/news/1",
        defaults={
            "source": source,
            "guid": "1",
            "url": "https://example.com/news/1",
            "title": "Open model parity",
            "author": "Sam Writer",
            "published_at": timezone.now(),
            "text": text,
            "content_hash": "x" * 64,
        },
    )
    return workspace, user, item


def _set_provider(workspace, base_url: str | None) -> None:
    from apps.posts.generation.crypto import secret_encrypt
    from apps.posts.generation.models import AIProviderSettings

    AIProviderSettings.objects.update_or_create(
        workspace=workspace,
        defaults={
            "provider": "openai" if base_url else "offline",
            "base_url": base_url or "",
            "model": "fake-model",
            "api_key_encrypted": secret_encrypt("sk-bench"),
            "monthly_token_cap": None,
            "timeout_seconds": 30,
        },
    )


def _overhead(workspace, user, item, label: str) -> dict:
    from django.db import transaction

    from apps.posts.generation.models import GenerationJob
    from apps.posts.generation.tasks import generation_run_task

    totals, inside, model = [], [], []
    for _ in range(N_OVERHEAD):
        with transaction.atomic():
            job = GenerationJob.objects.create(
                workspace=workspace, item=item, created_by=user, options={"image": False, "audio": False}
            )
        start = time.perf_counter()
        generation_run_task.apply(args=[job.pk])
        total = (time.perf_counter() - start) * 1000
        job.refresh_from_db()
        assert job.status == "succeeded", job.error
        totals.append(total - job.model_ms)
        inside.append(job.overhead_ms)
        model.append(job.model_ms)
    return {
        "label": label,
        "overhead": median(totals),
        "overhead_p95": percentile(totals, 95),
        "internal": median(inside),
        "model": median(model),
    }


def _baseline_post_create(workspace, user) -> float:
    from apps.posts.generation.documents import markup_to_document
    from apps.posts.services import post_create

    doc = markup_to_document("Lede.\n\n## Heading\n\nBody text of a typical draft.\n")
    times = []
    for n in range(N_OVERHEAD):
        start = time.perf_counter()
        post_create(workspace=workspace, user=user, title=f"Baseline {n}", body_json=doc)
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def _core_broadcast_cost() -> float:
    """What one apps.core.services.broadcast_on_commit send costs (async_to_sync per message)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    times = []
    for n in range(30):
        start = time.perf_counter()
        async_to_sync(layer.group_send)("bench.generation.noop", {"type": "noop", "n": n})
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def _latency(workspace, user, item, fake) -> dict:
    import websockets

    from apps.accounts.models import ApiToken
    from apps.posts.generation.models import GenerationJob
    from apps.posts.generation.services import generation_run
    from apps.posts.generation.streaming import job_event_send
    from tests.conftest import AsgiServer

    server = AsgiServer().start()
    _token, key = ApiToken.issue(user=user)
    try:
        # Baseline: events sent straight through the channel layer to the socket.
        job = GenerationJob.objects.create(workspace=workspace, item=item, created_by=user, options={"image": False})
        baseline: list[float] = []

        async def baseline_run():
            async with websockets.connect(f"{server.ws_url}/ws/generation/jobs/{job.pk}/?token={key}") as ws:
                await ws.recv()  # snapshot
                loop = asyncio.get_running_loop()
                for n in range(60):
                    sent = time.time()
                    await loop.run_in_executor(None, job_event_send, job.pk, {"event": "ping", "n": n, "t": sent})
                    message = json.loads(await ws.recv())
                    baseline.append((time.time() - message["t"]) * 1000)

        asyncio.run(baseline_run())

        fake.token_delay = 0.01
        fake.stamp_tokens = True
        job = GenerationJob.objects.create(workspace=workspace, item=item, created_by=user, options={"image": False})
        received: dict[int, float] = {}

        async def stream_run():
            async with websockets.connect(f"{server.ws_url}/ws/generation/jobs/{job.pk}/?token={key}") as ws:
                await ws.recv()
                worker = threading.Thread(target=generation_run, kwargs={"job_id": job.pk})
                worker.start()
                while True:
                    message = json.loads(await ws.recv())
                    now = time.time()
                    if message.get("event") == "delta":
                        for index in STAMP_RE.findall(message["text"]):
                            received[int(index)] = now
                    if message.get("event") == "status" and message["status"] in ("succeeded", "failed"):
                        break
                worker.join()

        asyncio.run(stream_run())
        latencies = [(received[i] - fake.sent_at[i]) * 1000 for i in received if i in fake.sent_at]
        return {
            "tokens": len(latencies),
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "max": max(latencies),
            "baseline_p50": percentile(baseline, 50),
            "baseline_p95": percentile(baseline, 95),
        }
    finally:
        fake.stamp_tokens = False
        server.stop()


def main() -> None:
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
    django_setup(database="trendoscope_bench_generation")
    from config.celery import app as celery_app
    from tests.generation.fake_openai import FakeOpenAI

    celery_app.conf.task_always_eager = True
    workspace, user, item = _fixtures()
    fake = FakeOpenAI().start()
    try:
        _set_provider(workspace, None)
        _overhead(workspace, user, item, "warm-up")
        offline = _overhead(workspace, user, item, "offline provider")
        _set_provider(workspace, fake.base_url)
        remote = _overhead(workspace, user, item, "OpenAI-compatible (local fake server)")
        baseline = _baseline_post_create(workspace, user)
        broadcast = _core_broadcast_cost()
        latency = _latency(workspace, user, item, fake)
    finally:
        fake.stop()
    rows = "\n".join(
        f"| {r['label']} | {r['overhead']:.1f} | {r['overhead_p95']:.1f} | {r['internal']:.1f} | {r['model']:.1f} | "
        f"{r['overhead'] / baseline:.1f}× |"
        for r in (offline, remote)
    )
    body = f"""Overhead of one generation outside the model's own time ({N_OVERHEAD} runs each; target ≤ 50 ms median).
Task run in-process via `generation_run_task.apply` (eager), article format, no image.

| provider | overhead median (ms) | overhead p95 (ms) | measured inside the service (ms) | model time median (ms) | vs baseline |
|---|---|---|---|---|---|
{rows}

Baseline: `posts.services.post_create` alone (post + revision 1 + audit + its two after-commit broadcasts): {baseline:.1f} ms median.
Of that, one `apps.core.services.broadcast_on_commit` send (async_to_sync, a fresh event loop per message) costs {broadcast:.1f} ms median;
generation's own events go through one long-lived loop and do not wait.

Streamed token → browser websocket ({latency["tokens"]} tokens, 10 ms apart, uvicorn + Redis channel layer; target ≤ 100 ms p95):
p50 {latency["p50"]:.1f} ms, p95 {latency["p95"]:.1f} ms, max {latency["max"]:.1f} ms.
Baseline (an event sent straight through the channel layer to the same socket): p50 {latency["baseline_p50"]:.1f} ms,
p95 {latency["baseline_p95"]:.1f} ms; ratio p95 {latency["p95"] / max(0.001, latency["baseline_p95"]):.1f}×.
"""
    record("generation", ".venv/bin/python -m benchmarks.bench_generation", body)


if __name__ == "__main__":
    main()
