"""Trend clustering on real, publicly labelled news: `python -m benchmarks.eval_trends_real`.

Reads `../shared/data/trends_heldout/` in place (never copied into the project; see its README for the
sources and licences):

- GoogleNews (Yin & Wang, KDD 2014): 11,109 items in 152 stories, title + snippet, and titles only;
  arrival order = MStream's News-T stream position (`news_t_pos`).
- ECB+ (Cybulska & Vossen, LREC 2014): 982 full articles, 43 topics × 2 look-alike events; no dates,
  so arrival order is a seeded shuffle.

Each set is split with a fixed seed into a dev half (parameters may be chosen on it) and a test half
(only reported): GoogleNews by story, ECB+ by topic (a topic's two look-alike events stay on one side, so
the test half still holds both events of every pair). Items get timestamps in arrival order spread over
one day (ARRIVAL_SPAN), inside the 72 h clustering window.

Three methods run on each half:
- live path: the items are stored as `sources.Item` rows and assigned with `items_assign_to_trends` in
  batches of 1,000 in timestamp order, exactly as the Celery task runs it (PostgreSQL database
  `trendoscope_bench_trends_real`); labels are read back from TrendItem.
- baseline: a simple online TF-IDF single-pass clusterer (below, ~30 lines), threshold chosen on dev.
- (with --engine) the clustering engine in memory, for quick tuning.

Any other labelled set in the same JSON-lines format (`id`, `story`, `title`, `text`, optional
`order`/`news_t_pos`, optional `split`) can be scored with `--extra PATH` — e.g. an English–Russian set
once one exists. Embeddings of the data are cached under /tmp (EMBED_CACHE) between runs."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import math
import os
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "trends_heldout"
DATABASE = "trendoscope_bench_trends_real"
SEED = 20260301
ARRIVAL_SPAN = 86_400.0  # seconds: one day, like the Google News snapshot
START = 1_772_400_000.0
EMBED_CACHE = Path("/tmp/trendoscope_eval_embeddings")
COMMAND = "python -m benchmarks.eval_trends_real"


@dataclass
class Row:
    id: int
    story: str
    title: str
    text: str
    order: float
    group: str  # what the dev/test split is drawn over (story, or ECB+ topic)
    language: str = ""


def load_googlenews(*, titles_only: bool = False) -> list[Row]:
    rows = []
    for line in (DATA / "googlenews.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        rows.append(
            Row(
                id=int(d["id"]),
                story=str(d["story"]),
                title=d["title"],
                text="" if titles_only else d["text"],
                order=float(d["news_t_pos"]),
                group=str(d["story"]),
            )
        )
    return rows


def load_ecbplus() -> list[Row]:
    rows = []
    for line in (DATA / "ecbplus.jsonl").open(encoding="utf-8"):
        d = json.loads(line)
        rows.append(Row(int(d["id"]), str(d["story"]), d["title"], d["text"], 0.0, str(d["topic"])))
    shuffled = list(range(len(rows)))
    random.Random(SEED).shuffle(shuffled)
    for position, row in zip(shuffled, rows, strict=True):
        row.order = float(position)
    return rows


def load_jsonl(path: Path) -> list[Row]:
    rows = []
    for n, line in enumerate(path.open(encoding="utf-8")):
        if not line.strip():
            continue
        d = json.loads(line)
        order = d.get("order", d.get("news_t_pos", n))
        rows.append(
            Row(
                int(d["id"]),
                str(d["story"]),
                d.get("title", ""),
                d.get("text", ""),
                float(order),
                str(d.get("topic", d["story"])),
                str(d.get("language", "")),
            )
        )
    return rows


# --- cross-lingual (English-Russian) ----------------------------------------------------------------------

BILINGUAL_FIXTURE = ROOT / "apps" / "trends" / "demo_data" / "stories.jsonl"
CROSS_COMMAND = "python -m benchmarks.eval_trends_real --crosslingual-only [--crosslingual PATH]"


def load_bilingual_fixture(path: Path = BILINGUAL_FIXTURE) -> list[Row]:
    """The project's own bilingual set (synthetic: written for the demo; `summary` is the text, arrival order
    is `published_at`)."""

    rows = []
    for line in path.open(encoding="utf-8"):
        if line.strip():
            d = json.loads(line)
            order = dt.datetime.fromisoformat(d["published_at"]).timestamp()
            rows.append(
                Row(
                    int(d["id"]),
                    str(d["story"]),
                    d["title"],
                    d.get("summary", ""),
                    order,
                    str(d["story"]),
                    d["language"],
                )
            )
    return rows


def crosslingual_pairs(
    rows: list[Row], labels: dict[int, int], a: str = "en", b: str = "ru"
) -> tuple[float, float, int]:
    """Pairwise precision and recall over the pairs of one `a` item and one `b` item: of the gold pairs (same
    story), how many share a predicted cluster; of the predicted pairs, how many are gold. And the gold count."""
    from collections import Counter

    gold: Counter = Counter()
    pred: Counter = Counter()
    both: Counter = Counter()
    for r in rows:
        if r.language in (a, b):
            gold[(r.story, r.language)] += 1
            pred[(labels[r.id], r.language)] += 1
            both[(r.story, labels[r.id], r.language)] += 1
    gold_pairs = sum(n * gold[(story, b)] for (story, lang), n in gold.items() if lang == a)
    pred_pairs = sum(n * pred[(c, b)] for (c, lang), n in pred.items() if lang == a)
    true_pairs = sum(n * both[(story, c, b)] for (story, c, lang), n in both.items() if lang == a)
    recall = true_pairs / gold_pairs if gold_pairs else float("nan")
    precision = true_pairs / pred_pairs if pred_pairs else float("nan")
    return precision, recall, gold_pairs


def crosslingual_section(path: Path | None, *, live: bool) -> str:
    """Live path and baseline on an English-Russian labelled set; the project's synthetic fixture when none."""
    if path is None:
        rows, label = (
            load_bilingual_fixture(),
            "the project's own bilingual fixture (SYNTHETIC, `apps/trends/demo_data`)",
        )
    else:
        rows, label = load_jsonl(path), f"`{path.name}` (labelled en–ru set, `--crosslingual`)"
    stories = {r.story for r in rows}
    mixed = {r.story for r in rows if r.language == "ru"} & {r.story for r in rows if r.language == "en"}
    lines = [
        f"Set: {label}: {len(rows)} items ({sum(r.language == 'ru' for r in rows)} in Russian), {len(stories)} stories, "
        f"{len(mixed)} told in both languages.",
        "",
        "| method | B³ F1 | en–ru pair precision | en–ru pair recall | en–ru gold pairs | clusters |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    results = []
    if live:
        results.append(("live path (`items_assign_to_trends`)", live_labels(rows)[0]))
    scores = {th: quality(rows, tfidf_single_pass(rows, th)).f1 for th in BASELINE_THRESHOLDS}
    best = max(scores, key=scores.get)
    results.append((f"baseline: online TF-IDF single pass (θ={best}, best on this set)", tfidf_single_pass(rows, best)))
    for method, labels in results:
        q = quality(rows, labels)
        precision, recall, gold = crosslingual_pairs(rows, labels)
        line = f"| {method} | {q.f1:.3f} | {precision:.3f} | **{recall:.3f}** | {gold:,} | {q.predicted_clusters} |"
        lines.append(line)
        print(line, flush=True)
    if path is None:
        lines += [
            "",
            "No real labelled English–Russian set exists here: these figures are on synthetic stories written for the "
            "demo, not real news. Give one in the trends_heldout JSON-lines format (`id`, `story`, `title`, `text`, "
            "`language`, optional `order`) with `--crosslingual PATH` to measure on real data.",
        ]
    return "\n".join(lines)


def split(rows: list[Row], *, seed: int = SEED) -> dict[str, list[Row]]:
    """Halves by group (story or topic), drawn with a fixed seed."""
    groups = sorted({r.group for r in rows})
    random.Random(seed).shuffle(groups)
    dev = set(groups[: len(groups) // 2])
    return {
        "dev": [r for r in rows if r.group in dev],
        "test": [r for r in rows if r.group not in dev],
    }


def timestamps(rows: list[Row]) -> list[tuple[Row, float]]:
    ordered = sorted(rows, key=lambda r: (r.order, r.id))
    step = ARRIVAL_SPAN / max(len(ordered), 1)
    return [(r, START + n * step) for n, r in enumerate(ordered)]


# --- the baseline --------------------------------------------------------------------------------


TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tfidf_matrix(texts: list[str]) -> sparse.csr_matrix:
    """Unit TF-IDF rows as the textbook (and scikit-learn's TfidfVectorizer(sublinear_tf=True)) has them:
    lower-cased words of two or more characters, 1 + ln(tf), idf = ln((1 + n) / (1 + df)) + 1."""
    vocabulary: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        for word, tf in Counter(TOKEN.findall(text.lower())).items():
            rows.append(i)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
            vals.append(1.0 + math.log(tf))
    x = sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), len(vocabulary)), dtype=np.float64)
    df = np.bincount(x.indices, minlength=len(vocabulary))
    x = x @ sparse.diags(np.log((1 + len(texts)) / (1 + df)) + 1.0)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    return sparse.diags(1.0 / np.maximum(norms, 1e-12)) @ x


def tfidf_single_pass(rows: list[Row], threshold: float) -> dict[int, int]:
    """Online single pass: in arrival order, each item (unit TF-IDF vector, sublinear TF, IDF over the
    half) joins the cluster whose centroid (sum of its members' vectors) is most cosine-similar when that
    is at least `threshold`, else starts a cluster. Cosines to centroids come from the item's dot
    products with every earlier item, summed per cluster (exact, no pruning)."""
    stamped = timestamps(rows)
    x = tfidf_matrix([f"{r.title} {r.text}" for r, _t in stamped])
    gram = (x @ x.T).toarray().astype(np.float32)
    labels = np.zeros(len(stamped), dtype=np.int64)
    norm2: list[float] = []
    for i in range(len(stamped)):
        if norm2:
            sums = np.bincount(labels[:i], weights=gram[i, :i], minlength=len(norm2))
            sims = sums / np.sqrt(np.asarray(norm2))
            k = int(sims.argmax())
            if sims[k] >= threshold:
                labels[i] = k
                norm2[k] += 2.0 * float(sums[k]) + 1.0
                continue
        labels[i] = len(norm2)
        norm2.append(1.0)
    return {r.id: int(labels[n]) for n, (r, _t) in enumerate(stamped)}


# --- embeddings (cached on disk while tuning) -----------------------------------------------------


def embeddings_for(rows: list[Row]) -> dict[int, np.ndarray]:
    from apps.trends.embeddings import embed_text, offline_provider

    provider = offline_provider()
    texts = [embed_text(r.title, r.text) for r in rows]
    key = hashlib.sha256(("\x00".join(texts) + provider.name).encode()).hexdigest()[:20]
    path = EMBED_CACHE / f"{provider.name}-{key}.npy"
    if path.exists():
        matrix = np.load(path)
    else:
        matrix = provider.embed(texts)
        EMBED_CACHE.mkdir(parents=True, exist_ok=True)
        np.save(path, matrix)
    return {r.id: matrix[n] for n, r in enumerate(rows)}


# --- the engine, in memory ------------------------------------------------------------------------


def engine_labels(rows: list[Row], params=None, *, embed: bool = True, batch: int = 1000) -> dict[int, int]:
    from apps.trends.clustering import Clusterer, Record
    from apps.trends.models import TrendSettings
    from apps.trends.services.assignment import params_from

    vectors = embeddings_for(rows) if embed else {}
    records = [
        Record(
            id=r.id,
            title=r.title,
            text=r.text,
            published_at=t,
            source=r.id % 40,
            language="en",
            embedding=vectors.get(r.id),
        )
        for r, t in timestamps(rows)
    ]
    # The live path's parameters (a workspace's default settings) unless told otherwise.
    clusterer = Clusterer(params or params_from(TrendSettings()))
    for start in range(0, len(records), batch):
        clusterer.add(records[start : start + batch])
    return clusterer.final_labels()


# --- the live path --------------------------------------------------------------------------------


def live_labels(rows: list[Row]) -> tuple[dict[int, int], float]:
    """Store the rows as items and assign them through the service in batches of 1,000, in timestamp
    order (as trends_assign_items does). Returns (row id -> trend id, seconds spent assigning)."""
    from apps.sources.models import Item
    from apps.trends.models import TrendItem
    from apps.trends.services import items_assign_to_trends
    from apps.trends.tasks import ASSIGN_BATCH
    from benchmarks._trends_db import make_items, make_sources, reset_workspace, to_datetime

    workspace = reset_workspace()
    sources = make_sources(workspace, 40)
    stamped = timestamps(rows)
    items = make_items(workspace, sources, [(r.title, r.text, to_datetime(t), r.id % 40) for r, t in stamped])
    for language in {r.language for r in rows} - {"", "en"}:
        Item.objects.filter(
            pk__in=[i.pk for i, (r, _t) in zip(items, stamped, strict=True) if r.language == language]
        ).update(language=language)
    row_of = {item.pk: r.id for item, (r, _t) in zip(items, stamped, strict=True)}
    started = time.perf_counter()
    for start in range(0, len(items), ASSIGN_BATCH):
        items_assign_to_trends(workspace_id=workspace.pk, item_ids=[i.pk for i in items[start : start + ASSIGN_BATCH]])
    seconds = time.perf_counter() - started
    labels = {
        row_of[item_id]: trend_id
        for item_id, trend_id in TrendItem.objects.filter(workspace=workspace).values_list("item_id", "trend_id")
    }
    # Items the service left out (none expected) count as singletons.
    for item_id, row_id in row_of.items():
        labels.setdefault(row_id, -item_id)
    return labels, seconds


def quality(rows: list[Row], labels: dict[int, int]):
    from apps.trends.clustering.metrics import evaluate

    return evaluate({r.id: r.story for r in rows}, labels)


def lookalike_pairs_apart(rows: list[Row], labels: dict[int, int]) -> tuple[int, int]:
    """ECB+: of the topics on this half, how many keep their two events in different clusters — a topic
    counts as kept apart when no predicted cluster holds more than 10 % of its smaller event together with
    items of the other event."""
    from collections import Counter, defaultdict

    by_topic: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_topic[r.group].append(r)
    apart = 0
    for members in by_topic.values():
        sizes = Counter(r.story for r in members)
        if len(sizes) < 2:
            continue
        per_cluster: dict[int, Counter] = defaultdict(Counter)
        for r in members:
            per_cluster[labels[r.id]][r.story] += 1
        smaller = min(sizes.values())
        mixed = sum(min(c.values()) for c in per_cluster.values() if len(c) > 1)
        apart += mixed <= 0.1 * smaller
    return apart, sum(1 for m in by_topic.values() if len({r.story for r in m}) > 1)


SETS = {
    "GoogleNews title+snippet": lambda: load_googlenews(),
    "GoogleNews titles only": lambda: load_googlenews(titles_only=True),
    "ECB+ full articles": load_ecbplus,
}
BASELINE_THRESHOLDS = [round(0.04 + 0.02 * k, 2) for k in range(14)]


def baseline_threshold(dev: list[Row]) -> float:
    """The baseline's threshold: its best B³ F1 on the dev half."""
    scores = {th: quality(dev, tfidf_single_pass(dev, th)).f1 for th in BASELINE_THRESHOLDS}
    return max(scores, key=scores.get)


# --- other splits and other arrival orders ---------------------------------------------------------

ROBUST_SEEDS = (SEED, 1, 2, 3)
ORDERS = ("arrival", "shuffled", "reversed")
ROBUST_COMMAND = "python -m benchmarks.eval_trends_real --robustness"


def reorder(rows: list[Row], order: str, *, seed: int) -> list[Row]:
    """The rows with another arrival order: as they came, a seeded shuffle, or last first."""
    if order == "arrival":
        return rows
    ranked = sorted(rows, key=lambda r: (r.order, r.id))
    if order == "shuffled":
        random.Random(seed).shuffle(ranked)
    else:
        ranked.reverse()
    return [dataclasses.replace(r, order=float(n)) for n, r in enumerate(ranked)]


def robustness_section(sets: dict, *, live: bool) -> str:
    """Each set on the test half of four splits, in three arrival orders: the live path (or, without a
    database, the engine in memory) beside the baseline with its threshold chosen on that split's dev half."""
    method = "live path" if live else "engine in memory"
    lines = [
        f"The {method} and the baseline on the **test half** of four dev/test splits (split seed; the first is",
        "the one above), each in three arrival orders (as they came; a seeded shuffle; last first). The baseline's",
        "threshold is chosen on that split's dev half, as above. B³ F1, precision in brackets; ECB+ also counts the",
        "look-alike pairs kept apart.",
        "",
        f"| set | split seed | order | {method}: B³ F1 (P) | baseline: B³ F1 (P) | look-alike pairs apart (ours / baseline) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]

    def cell(f1: float, other: float, precision: float | None = None) -> str:
        text = f"**{f1:.3f}**" if f1 >= other else f"{f1:.3f}"
        return text if precision is None else f"{text} ({precision:.3f})"

    every: list[tuple[float, float]] = []  # (ours, baseline) B³ F1 of every run
    for name, load in sets.items():
        rows = load()
        runs: list[tuple[float, float]] = []
        for seed in ROBUST_SEEDS:
            halves = split(rows, seed=seed)
            base_th = baseline_threshold(halves["dev"])
            for order in ORDERS:
                test = reorder(halves["test"], order, seed=seed)
                ours = live_labels(test)[0] if live else engine_labels(test)
                base = tfidf_single_pass(test, base_th)
                q, b = quality(test, ours), quality(test, base)
                pairs = ""
                if name.startswith("ECB+"):
                    (kept, of), (kept_b, _of) = lookalike_pairs_apart(test, ours), lookalike_pairs_apart(test, base)
                    pairs = f"{kept}/{of} / {kept_b}/{of}"
                runs.append((q.f1, b.f1))
                line = (
                    f"| {name} | {seed} | {order} | {cell(q.f1, b.f1, q.precision)} "
                    f"| {cell(b.f1, q.f1, b.precision)} | {pairs} |"
                )
                lines.append(line)
                print(line, flush=True)
        ours_mean, base_mean = (sum(r[k] for r in runs) / len(runs) for k in (0, 1))
        lines.append(
            f"| {name} | mean of {len(runs)} | | {cell(ours_mean, base_mean)} | {cell(base_mean, ours_mean)} | |"
        )
        every += runs
    wins = sum(ours > base for ours, base in every)
    lines += ["", f"Ours above the baseline in {wins} of {len(every)} runs."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-live", action="store_true", help="skip the live path (no database)")
    parser.add_argument("--engine", action="store_true", help="also score the engine in memory")
    parser.add_argument("--extra", type=Path, action="append", default=[], help="another labelled JSONL set")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--crosslingual", type=Path, help="a labelled English-Russian JSONL set (with `language`)")
    parser.add_argument("--crosslingual-only", action="store_true", help="only the en-ru measure")
    parser.add_argument(
        "--robustness", action="store_true", help="only the test halves of four splits in three arrival orders"
    )
    args = parser.parse_args()
    from benchmarks._common import django_setup, record

    if args.no_live:
        # The engine in memory reads a workspace's default settings: Django, but no database server.
        os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    django_setup(database=DATABASE, migrate=not args.no_live)
    sets = dict(SETS)
    for path in args.extra:
        sets[f"{path.name} (--extra)"] = lambda path=path: load_jsonl(path)
    if args.robustness:
        body = robustness_section(sets, live=not args.no_live)
        if args.no_write:
            print(body)
        else:
            record("trends: real labelled news — other splits and arrival orders", ROBUST_COMMAND, body)
        return
    cross = crosslingual_section(args.crosslingual, live=not args.no_live)
    if not args.no_write:
        record("trends: cross-lingual en–ru", CROSS_COMMAND, cross)
    if args.crosslingual_only:
        return
    lines = [
        "| set | half | items | stories | method | B³ P | B³ R | B³ F1 | NMI | clusters | look-alike pairs apart | time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, load in sets.items():
        halves = split(load())
        base_th = baseline_threshold(halves["dev"])
        for half in ("dev", "test"):
            rows = halves[half]
            results = []
            if not args.no_live:
                labels, seconds = live_labels(rows)
                results.append(("live path (`items_assign_to_trends`)", labels, seconds))
            if args.engine:
                started = time.perf_counter()
                labels = engine_labels(rows)
                results.append(("engine in memory", labels, time.perf_counter() - started))
            started = time.perf_counter()
            labels = tfidf_single_pass(rows, base_th)
            results.append(
                (f"baseline: online TF-IDF single pass (θ={base_th} from dev)", labels, time.perf_counter() - started)
            )
            for method, labels, seconds in results:
                q = quality(rows, labels)
                pairs = ""
                if name.startswith("ECB+"):
                    kept, total = lookalike_pairs_apart(rows, labels)
                    pairs = f"{kept}/{total}"
                line = (
                    f"| {name} | {half} | {q.items:,} | {q.gold_clusters} | {method} | {q.precision:.3f} | {q.recall:.3f} "
                    f"| **{q.f1:.3f}** | {q.nmi:.3f} | {q.predicted_clusters} | {pairs} | {seconds:.1f} s |"
                )
                lines.append(line)
                print(line, flush=True)
    body = "\n".join(lines)
    if not args.no_write:
        record("trends: real labelled news (GoogleNews, ECB+)", COMMAND, body)


if __name__ == "__main__":
    main()
