"""Posts list API (50 per page over 10,000 posts) under load, against a bare DRF endpoint returning the
same rows in the same run; and the board page's server time with 1,000 posts.

The API runs under gunicorn (2 sync workers, DEBUG off); an asyncio + httpx load generator keeps 8
requests in flight and asks both endpoints for the same random pages, alternating rounds so that noise
hits both alike. The baseline is a plain ListAPIView + ModelSerializer over the same rows, without
authentication, workspace scoping or permission checks.

    .venv/bin/python -m benchmarks.bench_posts [--requests 150] [--rounds 2] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time

from ._common import ROOT, django_setup, median, percentile, record

DATABASE = "trendoscope_bench_posts"
REDIS_URL = "redis://127.0.0.1:6379/4"
LIST_SLUG = "bench-posts"
BOARD_SLUG = "bench-posts-board"
N_POSTS = 10_000
N_BOARD = 1_000
STATES = ["draft", "in_review", "changes_requested", "approved", "scheduled", "published", "archived"]


def bench_env() -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
        API_THROTTLE_USER="100000000/min",
        API_THROTTLE_ANON="100000000/min",
        PYTHONUNBUFFERED="1",
    )
    return env


# --- the server side: our URLs plus the bare baseline (loaded by gunicorn from this module) -----------


def _urlpatterns():
    from django.urls import include, path
    from rest_framework import generics, permissions, serializers

    from apps.posts.models import Post

    class BarePostSerializer(serializers.ModelSerializer):
        class Meta:
            model = Post
            fields = [
                "id", "title", "state", "excerpt", "tags", "language", "author", "assignee", "persona", "trend",
                "due_at", "scheduled_at", "published_at", "created_at", "updated_at", "version", "workspace",
            ]  # fmt: skip

    class BarePostList(generics.ListAPIView):
        authentication_classes: list = []
        permission_classes = [permissions.AllowAny]
        throttle_classes: list = []
        filter_backends: list = []
        serializer_class = BarePostSerializer

        def get_queryset(self):
            return Post.objects.filter(workspace__slug=LIST_SLUG).order_by("-updated_at", "-id")

    return [path("bare/posts/", BarePostList.as_view()), path("api/v1/", include("config.api_router"))]


def _application():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


def __getattr__(name: str):
    # Django reads `urlpatterns` and gunicorn reads `application` lazily, after settings are configured.
    if name == "urlpatterns":
        return _urlpatterns()
    if name == "application":
        return _application()
    raise AttributeError(name)


# --- data ---------------------------------------------------------------------------------------------


def _workspace_with_posts(slug: str, count: int):
    from apps.accounts.models import Membership, User, Workspace
    from apps.posts.document import render_body, text_to_document
    from apps.posts.models import Post

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": slug})
    users = []
    for role in ("writer", "editor", "publisher", "admin"):
        user, _ = User.objects.get_or_create(username=f"{slug}-{role}", defaults={"email": f"{role}@{slug}.test"})
        Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})
        users.append(user)
    existing = Post.objects.filter(workspace=workspace).count()
    if existing != count:
        Post.objects.filter(workspace=workspace).delete()
        rng = random.Random(7)
        rows = []
        for i in range(count):
            text = f"Post number {i} about trend {i % 97}. " * 4
            doc, html, body = render_body(body_json=text_to_document(text))
            rows.append(
                Post(
                    workspace=workspace,
                    title=f"Benchmark post {i}",
                    body_json=doc,
                    body_html=html,
                    body_text=body,
                    excerpt=body[:200],
                    tags=["bench", f"t{i % 10}"],
                    author=users[i % 4],
                    assignee=users[(i + 1) % 4] if i % 3 else None,
                    state=rng.choice(STATES),
                )
            )
        Post.objects.bulk_create(rows, batch_size=1000)
    return workspace, users


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- load ---------------------------------------------------------------------------------------------


async def _load(url_for, pages: list[int], concurrency: int, headers: dict) -> list[float]:
    import httpx

    latencies: list[float] = []
    queue: asyncio.Queue = asyncio.Queue()
    for page in pages:
        queue.put_nowait(page)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30, headers=headers) as client:

        async def worker():
            while not queue.empty():
                page = queue.get_nowait()
                start = time.perf_counter()
                response = await client.get(url_for(page))
                latencies.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:300]}")
                if len(response.json()["results"]) != 50:
                    raise RuntimeError("expected 50 rows")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


def _board_server_time(repeats: int = 25) -> tuple[float, float, float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    _workspace, users = _workspace_with_posts(BOARD_SLUG, N_BOARD)
    client = Client()
    client.force_login(users[1])
    client.get("/app/posts/board/")  # warm up
    times, cpu = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get("/app/posts/board/")
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/app/posts/board/")
    return median(times), percentile(times, 95), median(cpu), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=150, help="requests per endpoint per round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    for key, value in bench_env().items():
        os.environ[key] = value
    django_setup(database=DATABASE)
    from django.test.utils import setup_test_environment

    from apps.accounts.models import ApiToken

    setup_test_environment()  # the in-process test client for the board (ALLOWED_HOSTS testserver)
    started = time.perf_counter()
    workspace, users = _workspace_with_posts(LIST_SLUG, N_POSTS)
    seed_seconds = time.perf_counter() - started
    _token, key = ApiToken.issue(user=users[1], name="bench")

    board_median, board_p95, board_cpu, board_queries = _board_server_time()

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.bench_posts:application",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=bench_env(),
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        headers = {"Authorization": f"Bearer {key}", "X-Workspace": str(workspace.pk)}
        ours_url = lambda page: f"{base}/api/v1/posts/?page={page}"  # noqa: E731
        bare_url = lambda page: f"{base}/bare/posts/?page={page}"  # noqa: E731
        rng = random.Random(11)
        # Warm both (imports, connections, caches).
        asyncio.run(_load(ours_url, [1] * 20, args.concurrency, headers))
        asyncio.run(_load(bare_url, [1] * 20, args.concurrency, {}))
        ours: list[float] = []
        bare: list[float] = []
        wall = {"ours": 0.0, "bare": 0.0}
        for round_number in range(args.rounds):
            pages = [rng.randint(1, N_POSTS // 50) for _ in range(args.requests)]
            order = [("ours", ours_url, headers, ours), ("bare", bare_url, {}, bare)]
            if round_number % 2:
                order.reverse()
            for name, url_for, hdrs, sink in order:
                start = time.perf_counter()
                sink.extend(asyncio.run(_load(url_for, pages, args.concurrency, hdrs)))
                wall[name] += time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=20)

    total = args.requests * args.rounds
    o_med, o_p95 = median(ours), percentile(ours, 95)
    b_med, b_p95 = median(bare), percentile(bare, 95)
    body = f"""
Posts list API, 50 per page over {N_POSTS:,} posts (random pages 1–{N_POSTS // 50}), gunicorn 2 sync workers,
asyncio+httpx load generator with {args.concurrency} requests in flight, {total} requests per endpoint in
{args.rounds} alternating rounds. Baseline: a bare DRF ListAPIView + ModelSerializer returning the same 50 rows
(no authentication, no workspace scoping, no permission checks), measured in the same run.

| endpoint | median ms | p95 ms | requests/s |
| --- | ---: | ---: | ---: |
| `GET /api/v1/posts/` (token auth, workspace + shares scope) | {o_med:.1f} | {o_p95:.1f} | {total / wall["ours"]:.0f} |
| bare DRF endpoint (baseline) | {b_med:.1f} | {b_p95:.1f} | {total / wall["bare"]:.0f} |
| **ratio (ours / bare)** | **{o_med / b_med:.2f}x** | **{o_p95 / b_p95:.2f}x** | |

Target: at most 2x. Seeding {N_POSTS:,} posts took {seed_seconds:.1f} s (skipped when already present).

Board page (`/app/posts/board/`) with {N_BOARD:,} posts, server time in-process (Django test client, full
request: middleware, selectors, template), 25 requests: median **{board_median:.1f} ms**, p95 {board_p95:.1f} ms
(of which Python CPU, median: {board_cpu:.1f} ms; the rest is PostgreSQL and waiting for a CPU),
{board_queries} SQL queries per request; each column shows its newest 50 cards and a link to the rest.
Target: at most 300 ms. Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.
"""
    record("posts", "python -m benchmarks.bench_posts", body)


if __name__ == "__main__":
    main()
