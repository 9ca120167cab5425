"""Shared pieces for benchmarks: Django setup on a dedicated database and RESULTS.md writing.

Each benchmark is a module `benchmarks/bench_<name>.py` with a `main()`; run one with
`python -m benchmarks.bench_<name>` and all with `make bench`."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
ROOT = RESULTS.parent.parent


def django_setup(*, database: str = "trendoscope_bench", migrate: bool = True) -> None:
    """Point Django at a benchmark database on the local PostgreSQL (created and migrated if needed)."""
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{database}")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("FETCH_ALLOW_PRIVATE_NETWORKS", "1")
    sys.path.insert(0, str(ROOT))
    if os.environ["DATABASE_URL"].startswith("postgres"):
        import psycopg

        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    cores = os.cpu_count()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return f"nproc={cores}, {cpu}, Python {platform.python_version()}"


def record(name: str, command: str, body: str) -> None:
    """Write (or replace) the section for benchmark `name` in benchmarks/RESULTS.md."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        commit = ""
    section = (
        f"<!-- bench:{name} -->\n## {name}\n\n"
        f"- command: `{command}`\n- machine: {machine()}\n- date: {stamp}"
        + (f" (commit {commit})" if commit else "")
        + "\n\n"
        f"{body.strip()}\n<!-- /bench:{name} -->\n"
    )
    text = (
        RESULTS.read_text()
        if RESULTS.exists()
        else "# Benchmark results\n\nWritten by `make bench` (or each benchmark's own command). Ratios compare against a baseline measured in the same run.\n\n"
    )
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->\n", re.S)
    text = pattern.sub(lambda _m: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)
    print(section)
