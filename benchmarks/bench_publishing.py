"""Publishing dispatcher at volume: N publications (default 10,000) due within one minute to a local
signed-webhook target, delivered by 2 dispatcher processes (`manage.py publishing_dispatch`, the same
claim-and-deliver loop the Celery beat tick runs). Reports lateness (target's first receipt - due time).

Baseline in the same run: the same N requests POSTed directly to the target by one process with no
database at all (the HTTP floor), against the dispatcher draining N rows that are all due at once.

    .venv/bin/python -m benchmarks.bench_publishing [--n 10000] [--workers 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ._common import ROOT, django_setup, percentile, record

DATABASE = "trendoscope_bench_publishing"
REDIS_URL = "redis://127.0.0.1:6379/7"


def bench_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


def setup() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_DEBUG"] = "0"
    django_setup(database=DATABASE)


def reset_world(slug: str = "bench-publishing"):
    """A fresh workspace with a publisher; everything from earlier runs removed."""
    from apps.accounts.models import Membership, User, Workspace
    from apps.posts.models import Post
    from apps.publishing import ratelimit
    from apps.publishing.models import Channel, Publication

    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": "Bench publishing"})
    Publication.objects.filter(workspace=workspace).delete()
    Post.objects.filter(workspace=workspace).delete()
    Channel.objects.filter(workspace=workspace).delete()
    user, _ = User.objects.get_or_create(username=f"{slug}-publisher")
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": "publisher"})
    r = ratelimit.client()
    if r is not None:
        keys = list(r.scan_iter(f"{ratelimit.PREFIX}*"))
        if keys:
            r.delete(*keys)
    return workspace, user


def make_channel(*, workspace, user, name: str, platform: str, config: dict, secrets: dict, rate: int, burst: int):
    from apps.publishing.services import channel_create

    return channel_create(
        user=user,
        workspace=workspace,
        name=name,
        platform=platform,
        config=config,
        secrets=secrets,
        rate_per_minute=rate,
        rate_burst=burst,
    )


def make_publications(*, workspace, user, plan: list[tuple[object, dt.datetime, str]]) -> list[int]:
    """plan: (channel, due_at, text) per publication; one approved post each."""
    from apps.posts.models import Post, PostState
    from apps.publishing.models import Publication

    posts = Post.objects.bulk_create(
        [
            Post(workspace=workspace, title=f"Bench post {i}", body_text=text, state=PostState.SCHEDULED, author=user)
            for i, (_c, _d, text) in enumerate(plan)
        ],
        batch_size=2000,
    )
    publications = Publication.objects.bulk_create(
        [
            Publication(
                workspace=workspace,
                post=post,
                channel=channel,
                due_at=due,
                next_attempt_at=due,
                content={"parts": [text], "title": post.title, "media": [], "tags": [], "link": ""},
            )
            for post, (channel, due, text) in zip(posts, plan, strict=True)
        ],
        batch_size=2000,
    )
    return [p.pk for p in publications]


def start_workers(n: int, **env: str) -> list[subprocess.Popen]:
    return [start_worker(**env) for _ in range(n)]


def start_worker(**env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "publishing_dispatch", "--batch", "50", "--idle-sleep", "0.2"],
        cwd=ROOT,
        env=bench_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=open(Path("/tmp") / f"publishing-bench-worker-{os.getpid()}.log", "a"),
    )


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for(predicate, *, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def lateness_from_target(fake, due_by_key: dict[str, float]) -> list[float]:
    return [fake.webhook_first_seen[k] - due for k, due in due_by_key.items() if k in fake.webhook_first_seen]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--window", type=float, default=60.0, help="seconds over which the due times are spread")
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT))
    import httpx

    from apps.publishing.models import Publication, PublicationState
    from tests.publishing.fakes import FakePlatforms

    fake = FakePlatforms().start()
    workspace, user = reset_world()
    channel = make_channel(
        workspace=workspace,
        user=user,
        name="Bench webhook",
        platform="webhook",
        config={"url": f"{fake.url}/hook"},
        secrets={"secret": fake.webhook_secret},
        rate=1_000_000,
        burst=10_000,
    )
    # --- the figure: N due within one minute, 2 workers (already running, as in production)
    workers = start_workers(args.workers)
    # The rows must exist before they fall due: the bulk insert takes 5-20 s on a loaded machine.
    start = time.time() + 30
    plan = [
        (channel, dt.datetime.fromtimestamp(start + args.window * i / args.n, tz=dt.UTC), f"Bench item {i}.")
        for i in range(args.n)
    ]
    t0 = time.monotonic()
    ids = make_publications(workspace=workspace, user=user, plan=plan)
    setup_s = time.monotonic() - t0
    due_by_key = {
        str(k): d.timestamp()
        for k, d in Publication.objects.filter(pk__in=ids).values_list("idempotency_key", "due_at")
    }
    try:
        done = wait_for(lambda: len(fake.webhook_first_seen) >= args.n, timeout=args.window + 240)
    finally:
        stop_workers(workers)
    late = lateness_from_target(fake, due_by_key)
    published = Publication.objects.filter(pk__in=ids, state=PublicationState.PUBLISHED).count()
    duplicates = sum(1 for v in fake.webhook_keys.values() if v > 1)
    delivered = len(fake.webhook_keys)
    last_receipt = (
        max(fake.webhook_first_seen.values()) - (start + args.window) if fake.webhook_first_seen else float("nan")
    )

    # --- baseline: the same number of signed POSTs straight at the target, no table, one process
    from apps.publishing.adapters.webhook import webhook_signature

    fake2 = FakePlatforms().start()
    client = httpx.Client()
    body = b'{"event":"publication.published","text":"x"}'
    t0 = time.monotonic()
    for i in range(args.n):
        ts = str(int(time.time()))
        client.post(
            f"{fake2.url}/hook",
            content=body,
            headers={
                "Idempotency-Key": f"direct-{i}",
                "X-Trendoscope-Timestamp": ts,
                "X-Trendoscope-Signature": "sha256="
                + webhook_signature(secret=fake2.webhook_secret, timestamp=ts, body=body),
            },
        )
    direct_rate = args.n / (time.monotonic() - t0)
    fake2.stop()

    # --- dispatcher capacity: N rows all due now, same workers
    fake.webhook_first_seen.clear()
    workspace, user = reset_world()
    channel = make_channel(
        workspace=workspace,
        user=user,
        name="Bench webhook",
        platform="webhook",
        config={"url": f"{fake.url}/hook"},
        secrets={"secret": fake.webhook_secret},
        rate=1_000_000,
        burst=10_000,
    )
    now = dt.datetime.now(dt.UTC)
    ids2 = make_publications(
        workspace=workspace, user=user, plan=[(channel, now, f"Burst {i}.") for i in range(args.n)]
    )
    t0 = time.monotonic()
    workers = start_workers(args.workers)
    try:
        wait_for(
            lambda: Publication.objects.filter(pk__in=ids2, state=PublicationState.PUBLISHED).count() >= args.n,
            timeout=300,
            interval=1.0,
        )
    finally:
        stop_workers(workers)
    burst_s = time.monotonic() - t0
    burst_rate = args.n / burst_s
    fake.stop()

    ok = done and published == args.n and duplicates == 0
    body_md = f"""
{args.n} publications due evenly within {args.window:.0f} s, one webhook channel, {args.workers} dispatcher processes
(`manage.py publishing_dispatch`: the claim/deliver loop of the `publishing.dispatch_tick` Celery task,
run as plain processes so they can be started and killed precisely), PostgreSQL + Redis token bucket,
fake target in the benchmark process.

| figure | value | goal |
| --- | --- | --- |
| delivered (distinct idempotency keys at the target) | {delivered} / {args.n} | all |
| rows `published` | {published} / {args.n} | all |
| keys applied twice | {duplicates} | 0 |
| lateness p50 | {percentile(late, 50):.2f} s | ≤ 15 s |
| lateness p95 | {percentile(late, 95):.2f} s | |
| lateness p99 | {percentile(late, 99):.2f} s | ≤ 60 s |
| lateness max | {max(late) if late else float("nan"):.2f} s | |
| last delivery after the last due time | {last_receipt:.2f} s | |
| setup (bulk insert of posts + publications) | {setup_s:.1f} s | |

Capacity: the same {args.n} rows all due at once drained in {burst_s:.1f} s = **{burst_rate:.0f} publications/s**
with {args.workers} workers; baseline (signed POSTs straight to the target, no database, 1 process):
{direct_rate:.0f} requests/s → ratio dispatcher/baseline = **{burst_rate / direct_rate:.2f}**.

Result: {"PASS" if ok else "FAIL"}.
"""
    record(
        "publishing", f".venv/bin/python -m benchmarks.bench_publishing --n {args.n} --workers {args.workers}", body_md
    )


if __name__ == "__main__":
    main()
