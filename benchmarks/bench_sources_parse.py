"""Parse + sanitize + normalize + hash throughput on the real feeds in ../shared/data/feeds/miniflux/parser/,
beside bare feedparser.parse (its defaults) on the same files in the same run. One core, one process."""

from __future__ import annotations

import time

from benchmarks._common import ROOT, django_setup, median, record

FEEDS = ROOT.parent / "shared" / "data" / "feeds" / "miniflux" / "parser"
ROUNDS = 5


def _time(fn, data: bytes) -> tuple[float, float, int]:
    """Median CPU seconds and median wall seconds over ROUNDS, and the entry count. CPU time is the
    one-core figure: the machine is shared, so wall time includes waiting for a core."""
    cpu, wall = [], []
    count = 0
    for _ in range(ROUNDS):
        c0, w0 = time.process_time(), time.perf_counter()
        count = fn(data)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return median(cpu), median(wall), count


def main() -> None:
    django_setup(database="trendoscope_bench_sources", migrate=False)
    import feedparser

    from apps.sources.normalize import normalize_entry
    from apps.sources.parsing import parse_bytes

    def ours(data: bytes) -> int:
        parsed = parse_bytes(data, url="https://example.com/feed.xml")
        return sum(
            1
            for entry in parsed.entries
            if normalize_entry(entry, feed_url="https://example.com/feed.xml", feed_language=parsed.language)
        )

    def bare(data: bytes) -> int:
        return len(feedparser.parse(data).entries)

    files = sorted(FEEDS.glob("*.xml"))
    rows = []
    total = {"ours_s": 0.0, "bare_s": 0.0, "ours_wall": 0.0, "bare_wall": 0.0, "entries": 0}
    for path in files:
        data = path.read_bytes()
        bare(data), ours(data)  # warm caches and imports
        bare_s, bare_wall, n_bare = _time(bare, data)
        ours_s, ours_wall, n_ours = _time(ours, data)
        total["ours_s"] += ours_s
        total["bare_s"] += bare_s
        total["ours_wall"] += ours_wall
        total["bare_wall"] += bare_wall
        total["entries"] += n_ours
        rows.append(
            f"| {path.name} | {len(data) // 1024} KB | {n_ours} | {n_ours / ours_s:,.0f} | "
            f"{n_bare / bare_s:,.0f} | {bare_s / ours_s:.1f}x |"
        )
    ours_rate = total["entries"] / total["ours_s"]
    bare_rate = total["entries"] / total["bare_s"]
    body = (
        f"Median of {ROUNDS} runs per file, one process; entries per CPU-second (wall-clock totals below). Ours = DOCTYPE strip + feedparser (its sanitizer and URI "
        "resolution off) + nh3 sanitize + plain text + canonical URL + language + sentiment + SHA-256 + MinHash. "
        "Baseline = `feedparser.parse(bytes)` with its defaults.\n\n"
        "| file | size | entries | ours entries/s | bare feedparser entries/s | speed-up |\n|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + f"\n\n**All files: {ours_rate:,.0f} entries/s (ours) vs {bare_rate:,.0f} entries/s (bare feedparser), "
        f"ratio {ours_rate / bare_rate:.1f}x** (target: ≥ 400 entries/s). Wall clock on the shared machine: "
        f"{total['entries'] / total['ours_wall']:,.0f} vs {total['entries'] / total['bare_wall']:,.0f} entries/s."
    )
    record("sources_parse", "python -m benchmarks.bench_sources_parse", body)


if __name__ == "__main__":
    main()
