"""Generation overhead outside the model's own time, and token-to-browser latency.

1. Overhead: the Celery task run in-process (task start, claim, prompt build, streaming fan-out,
   persistence of post + revision + provenance + usage + style match) minus the time spent inside the
   provider, for the offline provider and for the OpenAI-compatible provider against the local fake
   server, with a persona that has a learned style profile. Runs are interleaved round by round with the
   baseline, so load from other processes on the machine falls on all of them alike.
   Baseline: writing the bare Post + first Revision through posts.services.post_create.
   A second offline row runs each task the way a Celery worker does: its Django fixup closes the database
   and cache connections before and after every task, so each task opens new ones.
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
SAMPLES = (
    "Open models keep surprising us. Here's the thing: the gap is closing fast, and that matters for "
    "every newsroom that pays for an API. We tested three of them this week. Two held up.",
    "Here's the thing about benchmarks: they age quickly. A model that tops a leaderboard in March is "
    "average by June. So we look at what readers can do with it today, not at the scores.",
)


def _fixtures():
    from django.utils import timezone

    from apps.accounts.models import Membership, User, Workspace
    from apps.personas.models import Persona, PersonaSample
    from apps.personas.services import persona_style_learn
    from apps.sources.models import Item, Source

    workspace, _ = Workspace.objects.get_or_create(slug="bench-generation", defaults={"name": "Bench generation"})
    user, _ = User.objects.get_or_create(username="bench-generation-writer", defaults={"email": "bg@example.com"})
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": "writer"})
    persona, created = Persona.objects.get_or_create(
        workspace=workspace,
        name="Bench columnist",
        defaults={
            "voice": "Direct, curious, a little dry.",
            "audience": "Newsroom editors",
            "rules_always": ["Name the source of every claim."],
            "rules_never": ["Hype."],
        },
    )
    if created:
        for n, text in enumerate(SAMPLES):
            PersonaSample.objects.create(persona=persona, title=f"Sample {n}", text=text)
        persona_style_learn(persona=persona)
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
    return workspace, user, item, persona


def _set_provider(workspace, base_url: str | None) -> None:
    from apps.generation.crypto import secret_encrypt
    from apps.generation.models import AIProviderSettings

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


class _Series:
    def __init__(self, label: str) -> None:
        self.label = label
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.inside: list[float] = []
        self.model: list[float] = []
        self.queries = 0

    def row(self, baseline: float) -> str:
        wall = median(self.wall)
        return (
            f"| {self.label} | {wall:.1f} | {percentile(self.wall, 95):.1f} | {median(self.cpu):.1f} | "
            f"{median(self.inside):.1f} | {median(self.model):.1f} | {self.queries} | {wall / baseline:.1f}× |"
        )


def _generation_once(workspace, user, item, persona, series: _Series, *, worker_fixup=None, count_queries=False):
    """One generation; records its time outside the model (wall and CPU of this process)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from apps.generation.models import GenerationJob
    from apps.generation.tasks import generation_run_task

    with transaction.atomic():
        job = GenerationJob.objects.create(
            workspace=workspace,
            item=item,
            persona=persona,
            language="en",
            created_by=user,
            options={"image": False, "audio": False},
        )
    if worker_fixup is not None:
        worker_fixup.close_database()  # task_prerun in a worker: the next query reconnects
        worker_fixup.close_cache()
    start, cpu_start = time.perf_counter(), time.process_time()
    if count_queries:
        with CaptureQueriesContext(connection) as ctx:
            generation_run_task.apply(args=[job.pk])
        series.queries = len(ctx.captured_queries)
    else:
        generation_run_task.apply(args=[job.pk])
    if worker_fixup is not None:
        worker_fixup.close_database()  # task_postrun
        worker_fixup.close_cache()
    total, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu_start) * 1000
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    series.wall.append(total - job.model_ms)
    series.cpu.append(max(0.0, cpu - job.model_ms))
    series.inside.append(job.overhead_ms)
    series.model.append(job.model_ms)


def _baseline_once(workspace, user, doc, n: int, times: list[float]) -> None:
    from apps.posts.services import post_create

    start = time.perf_counter()
    post_create(workspace=workspace, user=user, title=f"Baseline {n}", body_json=doc)
    times.append((time.perf_counter() - start) * 1000)


def _overhead(workspace, user, item, persona, fake) -> tuple[list[_Series], list[float]]:
    """Rounds of: offline, offline as a worker, OpenAI-compatible, baseline, interleaved."""
    from celery.fixups.django import DjangoWorkerFixup

    from apps.posts.document import markup_to_document
    from config.celery import app as celery_app

    fixup = DjangoWorkerFixup(celery_app)
    doc = markup_to_document("Lede.\n\n## Heading\n\nBody text of a typical draft.\n")
    offline = _Series("offline provider")
    worker = _Series("offline provider, new DB + cache connections per task (as a Celery worker)")
    remote = _Series("OpenAI-compatible (local fake server)")
    baseline: list[float] = []
    for n in range(-3, N_OVERHEAD):  # three warm-up rounds
        _set_provider(workspace, None)
        _generation_once(workspace, user, item, persona, offline, count_queries=n == -1)
        _generation_once(workspace, user, item, persona, worker, worker_fixup=fixup)
        _set_provider(workspace, fake.base_url)
        _generation_once(workspace, user, item, persona, remote, count_queries=n == -1)
        _baseline_once(workspace, user, doc, n, baseline)
        if n < 0:
            for series in (offline, worker, remote):
                series.wall, series.cpu, series.inside, series.model = [], [], [], []
            baseline = []
    worker.queries = offline.queries
    return [offline, worker, remote], baseline


def _broadcast_cost() -> tuple[float, float]:
    """One send as apps.core.services.broadcast_on_commit makes it now (one long-lived loop), and the
    async_to_sync send it made before (a new thread, event loop and Redis pool per message)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from apps.core.services import _group_send

    layer = get_channel_layer()
    now, before = [], []
    for n in range(30):
        start = time.perf_counter()
        _group_send(layer, "bench.generation.noop", {"type": "noop", "n": n})
        now.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        async_to_sync(layer.group_send)("bench.generation.noop", {"type": "noop", "n": n})
        before.append((time.perf_counter() - start) * 1000)
    return median(now), median(before)


def _latency(workspace, user, item, fake) -> dict:
    import websockets

    from apps.accounts.models import ApiToken
    from apps.generation.models import GenerationJob
    from apps.generation.services import generation_run
    from apps.generation.streaming import job_event_send
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
    workspace, user, item, persona = _fixtures()
    fake = FakeOpenAI().start()
    try:
        series, baseline_times = _overhead(workspace, user, item, persona, fake)
        broadcast_now, broadcast_before = _broadcast_cost()
        latency = _latency(workspace, user, item, fake)
    finally:
        fake.stop()
    baseline = median(baseline_times)
    rows = "\n".join(s.row(baseline) for s in series)
    load = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    body = f"""Overhead of one generation outside the model's own time ({N_OVERHEAD} interleaved rounds; target ≤ 50 ms median).
Task run in-process via `generation_run_task.apply` (eager), article format from one item, a persona with a
style profile (style match computed), no image. Outside-model time = task wall time − time inside the provider
(streaming and structured output); CPU = this process's CPU time over the same span (all its threads), less the
model time. Load average at the end of the run: {load} (2 cores shared with other work).

| run | outside-model median (ms) | p95 (ms) | CPU median (ms) | measured inside the service (ms) | model time median (ms) | queries per task | vs baseline |
|---|---|---|---|---|---|---|---|
{rows}

Baseline: `posts.services.post_create` alone (post + revision 1 + audit + its two after-commit broadcasts), in
the same rounds: {baseline:.1f} ms median, p95 {percentile(baseline_times, 95):.1f} ms.
One `apps.core.services.broadcast_on_commit` send from sync code: {broadcast_now:.2f} ms median on its long-lived
loop, against {broadcast_before:.2f} ms for `async_to_sync(group_send)` (its previous form: a new thread, event loop
and Redis pool per message). Generation's own progress events leave through one long-lived loop and do not wait.

Streamed token → browser websocket ({latency["tokens"]} tokens, 10 ms apart, uvicorn + Redis channel layer; target ≤ 100 ms p95):
p50 {latency["p50"]:.1f} ms, p95 {latency["p95"]:.1f} ms, max {latency["max"]:.1f} ms.
Baseline (an event sent straight through the channel layer to the same socket): p50 {latency["baseline_p50"]:.1f} ms,
p95 {latency["baseline_p95"]:.1f} ms; ratio p95 {latency["p95"] / max(0.001, latency["baseline_p95"]):.1f}×.
"""
    record("generation", ".venv/bin/python -m benchmarks.bench_generation", body)


if __name__ == "__main__":
    main()
