"""Live-editing figures: edit-to-peer latency (10 editors x 5 edits/s over 2 server processes, durable)
against the reference @y/websocket-server in the same run, with the same node clients; sustained updates/s per process with the
update log on and off; time to open a 160 KB document; a 16 MB document; memory over a soak.

    .venv/bin/python -m benchmarks.bench_collab [--seconds 20] [--soak-seconds 600]
    .venv/bin/python -m benchmarks.bench_collab --latency-only [--profile DIR]   # py-spy flame data
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._common import ROOT, django_setup, median, percentile, record

NODE_MODULES = ROOT / "frontend" / "node_modules"
LOAD = Path(__file__).resolve().parent / "collab" / "load.cjs"
DATABASE = "trendoscope_bench_collab"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


class Server:
    def __init__(self, cmd: list[str], env: dict, port: int) -> None:
        self.port = port
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_port(port, self.proc)

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def ours(**env_extra) -> Server:
    port = _port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **env_extra}
    cmd = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--log-level", "warning", "--lifespan", "off", "--ws-max-size", str(64 * 1024 * 1024)]
    # Yjs updates are small and already compact: per-message deflate only costs CPU per frame (the
    # reference server does not negotiate it either).
    cmd += ["--ws-per-message-deflate", "false"]
    return Server(cmd, env, port)


def reference_version() -> str:
    package = NODE_MODULES / "@y" / "websocket-server" / "package.json"
    return json.loads(package.read_text())["version"]


def profile(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    """py-spy (pip install py-spy) sampling one server process, collapsed stacks for a flame graph."""
    import shutil

    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy not installed: no profile", file=sys.stderr)
        return None
    cmd = [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "250"]
    cmd += ["--format", "raw", "--output", str(out), "--nonblocking"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def reference() -> Server:
    port = _port()
    env = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "NODE_PATH": str(NODE_MODULES)}
    return Server(["node", str(NODE_MODULES / "@y" / "websocket-server" / "src" / "server.js")], env, port)


def load(options: dict, timeout: float = 600) -> dict:
    out = subprocess.run(
        ["node", str(LOAD), json.dumps(options)],
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def fixtures():
    from apps.accounts.models import ApiToken, Membership, User, Workspace
    from apps.posts.models import Post

    workspace, _ = Workspace.objects.get_or_create(slug="bench-collab", defaults={"name": "Bench collab"})
    user, _ = User.objects.get_or_create(username="bench-collab")
    Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": "admin"})
    token = ApiToken.issue(user=user)[1]

    def new_post(title: str) -> int:
        return Post.objects.create(workspace=workspace, title=title, author=user).pk

    return token, new_post


def seed_document(post_id: int, size_bytes: int) -> int:
    """Give the post a document of about size_bytes (paragraphs of text), as its checkpoint."""
    from pycrdt import Doc, XmlElement, XmlFragment, XmlText

    from apps.collaboration.models import DocumentCheckpoint

    doc = Doc()
    fragment = doc.get("default", type=XmlFragment)
    line = "Trendoscope live editing benchmark paragraph with some ordinary words in it. " * 4
    # Measure one batch, then add the rest in one go (re-encoding after every batch is quadratic).
    batch = 200
    with doc.transaction():
        for _ in range(batch):
            fragment.children.append(XmlElement("paragraph", {}, [XmlText(line)]))
    per_paragraph = len(doc.get_update()) / batch
    remaining = max(0, int(size_bytes / per_paragraph) - batch + 1)
    with doc.transaction():
        for _ in range(remaining):
            fragment.children.append(XmlElement("paragraph", {}, [XmlText(line)]))
    state = doc.get_update()
    DocumentCheckpoint.objects.update_or_create(post_id=post_id, defaults={"state": state, "size": len(state)})
    return len(state)


def time_to_synced(url: str, samples: int) -> list[float]:
    sys.path.insert(0, str(ROOT))
    from tests.collaboration.ycli import YClient

    async def one() -> float:
        start = time.perf_counter()
        client = await YClient(url).connect(timeout=60)
        elapsed = (time.perf_counter() - start) * 1000
        await client.close()
        return elapsed

    return [asyncio.run(one()) for _ in range(samples)]


def commit_floor(seconds: float, rate: float) -> list[float]:
    """The disk's share of a durable edit: one small INSERT committed with synchronous_commit on (as the
    update log writes each edit), at the editors' combined rate on the same PostgreSQL, in ms. A server
    that relays an edit only after it is on disk cannot be faster than this plus its own relay."""
    from django.db import connection

    connection.ensure_connection()
    raw = connection.connection
    raw.autocommit = True
    raw.execute("CREATE TABLE IF NOT EXISTS bench_commit_floor (data bytea)")
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        raw.execute("INSERT INTO bench_commit_floor VALUES (%s)", (b"x" * 40,))
        samples.append((time.perf_counter() - started) * 1000)
        time.sleep(max(0.0, 1 / rate - (time.perf_counter() - started)))
    raw.execute("DROP TABLE bench_commit_floor")
    return samples


def latency_row(name: str, result: dict) -> str:
    lat = result["latencies"]
    delivered = result["received"] / result["expected"] * 100 if result["expected"] else 0
    return (
        f"| {name} | {len(lat)} | {median(lat):.1f} | {percentile(lat, 95):.1f} | {percentile(lat, 99):.1f} "
        f"| {max(lat):.1f} | {delivered:.1f}% |"
    )


def record_latency(body: str, command: str) -> None:
    """Replace only the latency part of the collab section in RESULTS.md (the other parts take 10+ min)."""
    import datetime as dt

    from benchmarks._common import RESULTS, machine

    text = RESULTS.read_text()
    start = text.index("### Edit-to-peer latency", text.index("<!-- bench:collab -->"))
    end = text.index("\n### ", start + 1)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    note = f"Re-measured {stamp} with `{command}` ({machine()}).\n\n"
    RESULTS.write_text(text[:start] + body.rstrip() + "\n\n" + note + text[end + 1 :])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="length of each latency/throughput run")
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--rate", type=float, default=5, help="edits per second per editor")
    parser.add_argument("--soak-seconds", type=float, default=600, help="the issue asks for 600")
    parser.add_argument("--latency-only", action="store_true", help="run only the latency part; print, do not record")
    parser.add_argument("--record", action="store_true", help="with --latency-only: replace that part of RESULTS.md")
    parser.add_argument("--profile", type=Path, help="with --latency-only: py-spy each server process into DIR")
    parser.add_argument("--rounds", type=int, default=5, help="latency: turns each server takes (seconds split)")
    args = parser.parse_args()

    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    django_setup(database=DATABASE)
    token, new_post = fixtures()
    lines = []

    # 1. latency: editors half on each of two processes, update log on (the default: each commit
    # flushed to disk before the relay; then the same with the log's commits not waiting for the
    # flush), and the reference server with the same node clients. The machine's load changes from
    # minute to minute, so the three take turns in short rounds and each pools its rounds' samples:
    # a ratio then compares them under the same conditions.
    setups = {
        "durable": [ours(), ours()],
        "async-commit": [ours(COLLAB_LOG_SYNCHRONOUS_COMMIT="off"), ours(COLLAB_LOG_SYNCHRONOUS_COMMIT="off")],
        "reference": [reference()],
    }
    posts = {label: new_post(f"latency {label}") for label in setups if label != "reference"}
    results: dict[str, dict] = {
        label: {"latencies": [], "latenciesSame": [], "latenciesCross": [], "received": 0, "expected": 0}
        for label in setups
    }
    floor: list[float] = []
    spies = []
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    rounds = max(1, args.rounds)
    try:
        for _round in range(rounds):
            for label, servers in setups.items():
                if label == "reference":
                    opts = {"urls": [f"ws://127.0.0.1:{servers[0].port}"], "room": "bench-latency"}
                else:
                    opts = {"urls": [f"ws://127.0.0.1:{s.port}/ws/posts" for s in servers]}
                    opts |= {"room": f"{posts[label]}/doc/", "token": token}
                if args.profile and _round == 0 and label == "durable":
                    spies = [
                        profile(s.proc.pid, args.seconds / rounds + 1, args.profile / f"ours-{i}.txt")
                        for i, s in enumerate(servers)
                    ]
                result = load({**opts, "editors": args.editors, "rate": args.rate, "seconds": args.seconds / rounds})
                pooled = results[label]
                for key in ("latencies", "latenciesSame", "latenciesCross"):
                    pooled[key] += result[key]
                pooled["received"] += result["received"]
                pooled["expected"] += result["expected"]
            floor += commit_floor(args.seconds / rounds, args.editors * args.rate)
        for spy in spies:
            if spy is not None:
                spy.wait(30)
    finally:
        for servers in setups.values():
            for server in servers:
                server.stop()
    ours_result, ours_async, ref_result = results["durable"], results["async-commit"], results["reference"]

    def ratio(result: dict, pct: float) -> float:
        return percentile(result["latencies"], pct) / max(percentile(ref_result["latencies"], pct), 1e-9)

    lines += [
        f"### Edit-to-peer latency: {args.editors} editors x {args.rate:g} edits/s for {args.seconds:g} s, one post "
        f"(each server {args.rounds} turns of {args.seconds / args.rounds:g} s, taken in rotation)",
        "",
        "| server | samples | p50 ms | p95 ms | p99 ms | max ms | delivered |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        latency_row(
            "ours: 2 uvicorn processes, PostgreSQL + Redis, update log on (flushed before relay; "
            "its commit announces the edit to the other process)",
            ours_result,
        ),
        latency_row(
            "ours, COLLAB_LOG_SYNCHRONOUS_COMMIT=off (logged before relay, disk flush not awaited)", ours_async
        ),
        latency_row(f"reference: @y/websocket-server {reference_version()}, 1 process, no storage", ref_result),
        "",
        f"Ratio ours/reference: **p95 x{ratio(ours_result, 95):.2f}**, p99 x{ratio(ours_result, 99):.2f} "
        f"(default, durable); with COLLAB_LOG_SYNCHRONOUS_COMMIT=off p95 x{ratio(ours_async, 95):.2f}, "
        f"p99 x{ratio(ours_async, 99):.2f}. Target: p95 within x1.5 of the reference. "
        f"Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        "",
        "Durable, by where the peer is: same process as the editor "
        f"p50 {median(ours_result['latenciesSame']):.1f} / p95 {percentile(ours_result['latenciesSame'], 95):.1f} ms, "
        f"the other process p50 {median(ours_result['latenciesCross']):.1f} / "
        f"p95 {percentile(ours_result['latenciesCross'], 95):.1f} ms.",
        "",
        f"The disk's share, in the same rotation: a bare INSERT committed with synchronous_commit on, "
        f"{args.editors * args.rate:g}/s on the same PostgreSQL, p50 {median(floor):.2f} / "
        f"p95 {percentile(floor, 95):.2f} / p99 {percentile(floor, 99):.2f} ms ({len(floor)} commits). "
        "An edit relayed only once it is on disk waits at least this long; the reference stores nothing.",
        "",
    ]
    if args.latency_only:
        print("\n".join(lines))
        if args.record:
            record_latency(
                "\n".join(lines),
                f".venv/bin/python -m benchmarks.bench_collab --latency-only --record "
                f"--seconds {args.seconds:g} --editors {args.editors}",
            )
        return

    # 2. sustained updates/s of one process, update log on and off.
    rows = []
    for durable in ("1", "0"):
        post = new_post(f"throughput durable={durable}")
        server = ours(COLLAB_DURABLE=durable)
        try:
            result = load(
                {
                    "urls": [f"ws://127.0.0.1:{server.port}/ws/posts"],
                    "room": f"{post}/doc/",
                    "token": token,
                    "editors": 11,
                    "seconds": min(args.seconds, 10),
                    "mode": "throughput",
                }
            )
        finally:
            server.stop()
        label = "on (logged before relay, group commit)" if durable == "1" else "off (relay first, write behind)"
        rows.append(f"| {label} | {result['updatesPerSecond']:.0f} | {result['sent']} |")
    lines += [
        "### Sustained updates per second, one process (10 writers pushing, 1 listener)",
        "",
        "| update log | updates/s relayed | updates sent |",
        "| --- | --- | --- |",
        *rows,
        "",
    ]

    # 3. opening a 160 KB document and a 16 MB one.
    server = ours()
    try:
        cold, warm = [], []
        size_160 = 0
        for _ in range(5):
            post = new_post("160k")
            size_160 = seed_document(post, 160 * 1024)
            url = f"ws://127.0.0.1:{server.port}/ws/posts/{post}/doc/?token={token}"
            cold += time_to_synced(url, 1)
            warm_client_url = url
        warm = time_to_synced(warm_client_url, 5)
        post = new_post("16m")
        size_16m = seed_document(post, 16 * 1024 * 1024)
        big = load(
            {
                "urls": [f"ws://127.0.0.1:{server.port}/ws/posts"],
                "room": f"{post}/doc/",
                "token": token,
                "editors": 1,
                "mode": "open",
                "holdSeconds": 3,
            }
        )
    finally:
        server.stop()
    lines += [
        "### Opening a document (connect to synced, pycrdt client)",
        "",
        "| document | median ms | max ms |",
        "| --- | --- | --- |",
        f"| {size_160 / 1024:.0f} KB, room not loaded (loaded from the database) | {median(cold):.1f} | {max(cold):.1f} |",
        f"| {size_160 / 1024:.0f} KB, room already open | {median(warm):.1f} | {max(warm):.1f} |",
        f"| {size_16m / 1024 / 1024:.1f} MB, y-websocket client | {big['connectMs']:.0f} | - |",
        "",
        f"16 MB document: synced once, {big['statusChangesAfterSync']} connection status changes in the 3 s after "
        f"sync (0 = no reconnect loop); {big['children']} paragraphs received.",
        "",
    ]

    # 4. memory over a soak with editors joining and leaving.
    post = new_post("soak")
    server = ours()
    samples: list[tuple[float, int]] = []
    try:
        soak = subprocess.Popen(
            [
                "node",
                str(LOAD),
                json.dumps(
                    {
                        "urls": [f"ws://127.0.0.1:{server.port}/ws/posts"],
                        "room": f"{post}/doc/",
                        "token": token,
                        "editors": 10,
                        "rate": 2,
                        "seconds": args.soak_seconds,
                        "mode": "soak",
                        "churnMs": 500,
                    }
                ),
            ],
            env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
            stdout=subprocess.PIPE,
            text=True,
        )
        start = time.monotonic()
        while soak.poll() is None:
            samples.append((time.monotonic() - start, server.rss_kb()))
            time.sleep(max(args.soak_seconds / 60, 1))
        soak_result = json.loads(soak.stdout.read().strip().splitlines()[-1])
    finally:
        server.stop()
    warm_samples = [kb for t, kb in samples if t >= args.soak_seconds * 0.2] or [kb for _t, kb in samples]
    first, last = warm_samples[0], warm_samples[-1]
    growth = (last - first) / first * 100
    lines += [
        f"### Memory over a {args.soak_seconds:g} s soak (10 editors x 2 edits/s, one leaves and one joins every 0.5 s)",
        "",
        f"RSS after warm-up (20% of the soak) {first / 1024:.1f} MB, at the end {last / 1024:.1f} MB: "
        f"{growth:+.1f}% (target within 10%); min {min(warm_samples) / 1024:.1f} MB, max "
        f"{max(warm_samples) / 1024:.1f} MB; {soak_result['joined']} joins, {soak_result['sent']} edits.",
        "",
    ]
    command = (
        f".venv/bin/python -m benchmarks.bench_collab --seconds {args.seconds:g} --soak-seconds {args.soak_seconds:g}"
    )
    record("collab", command, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
