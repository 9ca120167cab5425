"""Scores the clustering engine against the SYNTHETIC labelled set (fictional stories; a unit-test fixture —
the real-data evaluation is benchmarks/eval_trends_real.py): B-cubed precision/recall/F1 and NMI, beside the
brute-force all-pairs baseline. Run with `python -m benchmarks.eval_trends`."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from apps.trends.clustering.engine import Params, Record, cluster_all_pairs, cluster_records
from apps.trends.clustering.metrics import Quality, evaluate
from apps.trends.demo_data import STORIES, load_stories

DATASET = STORIES
COMMAND = "python -m benchmarks.eval_trends"


@dataclass
class EvaluationReport:
    engine: Quality
    baseline: Quality
    engine_seconds: float
    baseline_seconds: float
    params: Params
    sources: int
    languages: dict[str, int]

    def table(self) -> str:
        rows = [
            "| method | B-cubed precision | B-cubed recall | B-cubed F1 | NMI | clusters | time |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, q, seconds in (
            ("online centroid clustering (ours)", self.engine, self.engine_seconds),
            ("brute-force all-pairs nearest neighbour (baseline)", self.baseline, self.baseline_seconds),
        ):
            rows.append(
                f"| {name} | {q.precision:.3f} | {q.recall:.3f} | **{q.f1:.3f}** | **{q.nmi:.3f}** "
                f"| {q.predicted_clusters} | {seconds * 1000:.0f} ms |"
            )
        p = self.params
        langs = ", ".join(f"{k}: {v}" for k, v in sorted(self.languages.items()))
        return (
            f"**Synthetic** data (fictional stories written for the tests; a unit-test fixture, not a benchmark — "
            f"real labelled news: `python -m benchmarks.eval_trends_real`, section below): "
            f"`apps/trends/demo_data/stories.jsonl` — {self.engine.items} items, {self.engine.gold_clusters} "
            f"gold clusters (42 multi-source stories, three look-alike events per entity, plus one-off items), "
            f"{self.sources} sources, languages {langs}; regenerate with "
            f"`python -m benchmarks.trends_eval.generate`.\n\n"
            + "\n".join(rows)
            + f"\n\nParameters: threshold {p.threshold}, merge threshold {p.merge_threshold}, "
            f"cross-lingual merge threshold {p.cross_lingual_threshold}, window {p.window_hours} h, "
            f"centroid terms {p.centroid_terms}, batch {p.chunk_size}. Targets: B-cubed F1 ≥ 0.85, NMI ≥ 0.85."
        )


def load_dataset(path: Path = DATASET) -> list[dict]:
    return load_stories(path)


def records_from(rows: list[dict]) -> list[Record]:
    return [
        Record(
            id=row["id"],
            title=row["title"],
            text=row["summary"],
            published_at=dt.datetime.fromisoformat(row["published_at"]).timestamp(),
            source=row["source"],
            duplicate_of=row.get("duplicate_of"),
            language=row.get("language", ""),
        )
        for row in rows
    ]


def run_evaluation(params: Params | None = None, *, batch: int = 50) -> EvaluationReport:
    """Feeds the items in arrival order in small batches, as ingestion would."""
    from apps.trends.clustering.engine import Clusterer

    params = params or Params()
    rows = load_dataset()
    gold = {row["id"]: row["story"] for row in rows}
    records = records_from(rows)
    records.sort(key=lambda r: (r.published_at, r.id))
    started = time.perf_counter()
    clusterer = Clusterer(params)
    for start in range(0, len(records), batch):
        clusterer.add(records[start : start + batch])
    predicted = clusterer.final_labels()
    engine_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = cluster_all_pairs(records, params)
    baseline_seconds = time.perf_counter() - started
    languages: dict[str, int] = {}
    for row in rows:
        languages[row["language"]] = languages.get(row["language"], 0) + 1
    return EvaluationReport(
        engine=evaluate(gold, predicted),
        baseline=evaluate(gold, baseline),
        engine_seconds=engine_seconds,
        baseline_seconds=baseline_seconds,
        params=params,
        sources=len({row["source"] for row in rows}),
        languages=languages,
    )


def scratch_quality(params: Params | None = None) -> Quality:
    rows = load_dataset()
    return evaluate({r["id"]: r["story"] for r in rows}, cluster_records(records_from(rows), params))


def main(*, write: bool = True) -> EvaluationReport:
    report = run_evaluation()
    q = report.engine
    print(
        f"B-cubed precision {q.precision:.3f}  recall {q.recall:.3f}  F1 {q.f1:.3f}  NMI {q.nmi:.3f}  "
        f"({q.items} items, {q.gold_clusters} gold / {q.predicted_clusters} predicted clusters)"
    )
    b = report.baseline
    print(f"baseline (all-pairs): precision {b.precision:.3f}  recall {b.recall:.3f}  F1 {b.f1:.3f}  NMI {b.nmi:.3f}")
    if write:
        from benchmarks._common import record

        record("trends evaluation on the SYNTHETIC fixture (clustering quality)", COMMAND, report.table())
    return report
