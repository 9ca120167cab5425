"""`make run` from a fresh clone to the first 200 from /healthz, then a restart with everything built.

Both the baseline (a commit before the faster start: pip, compilemessages, three Django start-ups) and
this checkout are cloned into a temporary folder and measured in the same run, one after the other, on
the embedded default (SQLite, no Redis). pip's, uv's and npm's caches are whatever this machine has
(--cold-uv gives uv an empty one, so the new figure includes uv's downloads).

    python -m benchmarks.bench_first_start [--baseline COMMIT] [--candidate COMMIT] [--cold-uv] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks._common import ROOT, record

BASELINE = "981b3fc"  # main before issue 19's faster start
TIMEOUT = 1200.0
COLD_UV = False  # --cold-uv: give uv an empty cache (pip keeps the machine's, so that favours pip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _env(work: Path, port: int) -> dict:
    drop = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "CI"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(PORT=str(port), CELERY_CONCURRENCY="1", PYTHONUNBUFFERED="1")
    if COLD_UV:
        env["UV_CACHE_DIR"] = str(work / "uv-cache")
    return env


def _time_make_run(clone: Path, work: Path, log: Path) -> float:
    """Seconds from `make run` to the first healthy /healthz; stops everything afterwards. The log's
    lines carry the seconds since the start (where the time goes)."""
    port = _free_port()
    started = time.monotonic()
    proc = subprocess.Popen(
        ["make", "run"],
        cwd=clone,
        env=_env(work, port),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def copy() -> None:
        with log.open("ab") as out:
            for line in proc.stdout:
                out.write(f"{time.monotonic() - started:7.1f} ".encode() + line)

    copier = threading.Thread(target=copy, daemon=True)
    copier.start()
    try:
        while not _healthy(port):
            if proc.poll() is not None or time.monotonic() - started > TIMEOUT:
                raise RuntimeError(f"make run in {clone} did not answer; see {log}")
            time.sleep(0.2)
        return time.monotonic() - started
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        copier.join(timeout=5)


def measure(commit: str, work: Path) -> tuple[float, float]:
    clone = work / f"clone-{commit}"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "checkout", "--quiet", commit], cwd=clone, check=True)
    log = work / f"make-run-{commit}.log"
    fresh = _time_make_run(clone, work, log)
    restart = _time_make_run(clone, work, log)
    print(f"{commit}: fresh {fresh:.1f} s, restart {restart:.1f} s (log {log})", flush=True)
    return fresh, restart


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--candidate", default="HEAD")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clones")
    parser.add_argument("--cold-uv", action="store_true", help="an empty uv cache (pip keeps the machine's)")
    args = parser.parse_args()
    global COLD_UV
    COLD_UV = args.cold_uv
    uv_cache = "an empty uv cache" if COLD_UV else "uv's cache as the machine has it (~/.cache/uv)"
    candidate = subprocess.run(
        ["git", "rev-parse", "--short", args.candidate], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="trendoscope-first-start-"))
    try:
        old_fresh, old_restart = measure(args.baseline, work)
        new_fresh, new_restart = measure(candidate, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    body = (
        "| | fresh clone → /healthz | restart → /healthz |\n| --- | ---: | ---: |\n"
        f"| baseline `{args.baseline}` (pip, compilemessages, migrate + seed_demo + devserver) "
        f"| {old_fresh:.1f} s | {old_restart:.1f} s |\n"
        f"| `{candidate}` (uv, installs side by side, msgfmt on changed catalogues, one process: "
        "devserver --prepare with uvicorn in it) "
        f"| {new_fresh:.1f} s | {new_restart:.1f} s |\n"
        f"| ratio new / old | {new_fresh / old_fresh:.2f} | {new_restart / old_restart:.2f} |\n\n"
        "Embedded default (SQLite, no Redis), CELERY_CONCURRENCY=1; both clones in one run, baseline first. "
        f"pip and npm caches as the machine has them; {uv_cache}. Logs with per-line timestamps: --keep. "
        "Goal (issue 19): fresh ≤ half of the baseline, restart ≤ 10 s."
    )
    record("first_start", "python -m benchmarks.bench_first_start", body)


if __name__ == "__main__":
    main()
