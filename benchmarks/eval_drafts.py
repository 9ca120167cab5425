"""Offline draft quality on real labelled stories: `python -m benchmarks.eval_drafts [--stories 60] [--record]`.

Reads ECB+ (Cybulska & Vossen, LREC 2014; `../shared/data/trends_heldout/ecbplus.jsonl`, in place, see its
README) — full English news articles grouped into 86 stories. GoogleNews from the same folder is not used:
its text is lower-cased, stop-word-stripped and stemmed, not sentences a draft could be built from.

For a fixed-seed sample of stories, each story's first MAX_ITEMS items (the product's cap) are the trend's
material; the offline engine (apps.generation.drafting.build_offline_draft, article format, no persona)
writes a draft, and a baseline made of the first sentences of the top items (round-robin: item 1's first,
item 2's first, …, then second sentences) gets the same number of sentences. Both are scored on their
running text (headings, the sources list and quote attributions left out):

- single language: share of drafts whose every sentence of 4+ words py3langid (apps.core.language)
  detects as one language;
- repeated sentences: share of sentences that repeat an earlier one in the same draft (same words, or
  content-word Jaccard > 0.8);
- boilerplate: share of drafts holding a line that appears in >= 25% of all drafts (stock phrases and
  headings; the "Sources" heading is structure and not counted);
- coverage (ROUGE-1 style recall): share of the cluster's distinct content words found in the draft —
  over the words two or more items share (the story's common facts) and over all of them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "trends_heldout" / "ecbplus.jsonl"
SEED = 20260315
MAX_ITEMS = 8
COMMAND = "python -m benchmarks.eval_drafts --record"
# The drafting engine before the issue-15 changes (position-weighted ranking, stock headings), for comparison.
BEFORE_REV = "b08f5dc"


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/trendoscope_eval_drafts.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def load_stories() -> dict[str, list[dict]]:
    stories: dict[str, list[dict]] = defaultdict(list)
    for line in DATA.open(encoding="utf-8"):
        row = json.loads(line)
        stories[row["story"]].append(row)
    return {k: sorted(v, key=lambda r: r["id"]) for k, v in stories.items()}


def clean(text: str) -> str:
    # ECB+ is tokenised ("the actress 's rep", '" We appreciate ... "'): join the tokens back.
    text = re.sub(r"\s+([,.;:!?%)])", r"\1", text)
    text = re.sub(r"\s+'s\b", "'s", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r'"\s*([^"]*?)\s*"', r"“\1”", text)
    return " ".join(text.split())


def running_sentences(markup: str) -> list[str]:
    from apps.personas.style import sentences_of

    kept = []
    for line in markup.split("\n"):
        s = line.strip()
        if not s or s.startswith(("#", "- [", "> —", "- ")):
            continue
        kept.append(s.lstrip("> ").strip("“”"))
    return [s for s in sentences_of(" ".join(kept)) if len(s.split()) >= 2]


def content_words(text: str) -> list[str]:
    from apps.generation.drafting import _content_words

    return _content_words(text)


def score(sentences: list[str], items: list[dict]) -> dict:
    from apps.core.language import detect_language

    languages = {detect_language(s) for s in sentences if len(s.split()) >= 4}
    repeated = 0
    seen_norm: set[str] = set()
    seen_bags: list[set[str]] = []
    for s in sentences:
        norm = " ".join(s.lower().split())
        bag = set(content_words(s))
        if norm in seen_norm or any(len(bag & b) / max(1, len(bag | b)) > 0.8 for b in seen_bags if bag):
            repeated += 1
        seen_norm.add(norm)
        seen_bags.append(bag)
    df: Counter[str] = Counter()
    for item in items:
        df.update(set(content_words(item["title"] + " " + item["text"])))
    shared = {w for w, n in df.items() if n >= 2}
    present = set(content_words(" ".join(sentences)))
    return {
        "single_language": len(languages) <= 1,
        "sentences": len(sentences),
        "repeated": repeated,
        "words": sum(len(s.split()) for s in sentences),
        "recall_shared": len(present & shared) / len(shared) if shared else 1.0,
        "recall_all": len(present & set(df)) / len(df) if df else 1.0,
    }


def baseline_sentences(items: list[dict], n: int) -> list[str]:
    from apps.personas.style import sentences_of

    per_item = [sentences_of(i["title"] + ". " + i["text"]) for i in items]
    out: list[str] = []
    depth = 0
    while len(out) < n and any(depth < len(p) for p in per_item):
        for p in per_item:
            if depth < len(p) and len(out) < n:
                out.append(p[depth])
        depth += 1
    return out


def baseline_words(items: list[dict], budget: int) -> list[str]:
    """The same first-sentences baseline, given the draft's word count instead of its sentence count."""
    out: list[str] = []
    for sentence in baseline_sentences(items, 10_000):
        if sum(len(s.split()) for s in out) >= budget:
            break
        out.append(sentence)
    return out


def engine_before():
    """build_offline_draft as it was at BEFORE_REV (read with git, loaded as a module beside the new one)."""
    import importlib.util
    import subprocess

    try:
        source = subprocess.run(
            ["git", "show", f"{BEFORE_REV}:apps/generation/drafting.py"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("apps.generation._drafting_before", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "apps.generation"
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, "drafting_before.py", "exec"), module.__dict__)
    return module.build_offline_draft


def boilerplate_share(drafts: list[str]) -> float:
    counts: Counter[str] = Counter()
    for markup in drafts:
        counts.update({line.strip() for line in markup.split("\n") if line.strip()})
    common = {line for line, n in counts.items() if n >= 0.25 * len(drafts) and not line.startswith("## Sources")}
    return sum(1 for m in drafts if common & {line.strip() for line in m.split("\n")}) / max(1, len(drafts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=60)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    setup()
    from apps.generation.drafting import build_offline_draft
    from apps.generation.providers.base import PersonaBrief, SourceText

    stories = load_stories()
    names = sorted(stories)
    random.Random(SEED).shuffle(names)
    sample = names[: args.stories]
    started = time.perf_counter()
    before = engine_before()
    rows: dict[str, list[dict]] = {
        "offline draft (this change)": [],
        "baseline: first sentences of the top items (same sentences)": [],
        "baseline: first sentences of the top items (same words)": [],
    }
    if before is not None:
        rows[f"offline draft before (commit {BEFORE_REV})"] = []
    texts: dict[str, list[str]] = {k: [] for k in rows}
    draft_seconds = 0.0
    for name in sample:
        items = [dict(r, title=clean(r["title"]), text=clean(r["text"])) for r in stories[name][:MAX_ITEMS]]
        material = [
            SourceText(
                title=i["title"],
                text=i["text"],
                url=f"https://example.org/ecbplus/{i['doc']}",
                source_name=f"Source {n}",
                item_id=i["id"],
            )
            for n, i in enumerate(items, 1)
        ]
        t0 = time.perf_counter()
        draft = build_offline_draft(
            fmt="article", title="", topic="", keywords=[], material=material, persona=PersonaBrief(), language=""
        )
        draft_seconds += time.perf_counter() - t0
        sentences = running_sentences(draft.markup)
        words = sum(len(s.split()) for s in sentences)
        runs = {
            "offline draft (this change)": (draft.markup, sentences),
            "baseline: first sentences of the top items (same sentences)": baseline_sentences(items, len(sentences)),
            "baseline: first sentences of the top items (same words)": baseline_words(items, words),
        }
        if before is not None:
            old = before(
                fmt="article", title="", topic="", keywords=[], material=material, persona=PersonaBrief(), language="en"
            )
            runs[f"offline draft before (commit {BEFORE_REV})"] = (old.markup, running_sentences(old.markup))
        for method, run in runs.items():
            markup, sents = run if isinstance(run, tuple) else ("\n".join(run), run)
            texts[method].append(markup)
            rows[method].append(score(sents, items))
    elapsed = time.perf_counter() - started
    lines = [
        f"ECB+ full articles: {len(sample)} stories sampled with seed {SEED} (of {len(stories)}), up to "
        f"{MAX_ITEMS} items each; article format, no persona, language from the material. "
        f"Run time {elapsed:.1f} s ({draft_seconds / max(1, len(sample)) * 1000:.0f} ms per draft).",
        "",
        "| method | drafts in one language | repeated sentences | drafts with boilerplate | recall of shared "
        "content words | recall of all content words | sentences | words |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for method, scores in rows.items():
        n = len(scores)
        total_sentences = sum(s["sentences"] for s in scores)
        boiler = boilerplate_share(texts[method])
        lines.append(
            f"| {method} | {sum(s['single_language'] for s in scores) / n:.1%} "
            f"| {sum(s['repeated'] for s in scores) / max(1, total_sentences):.1%} | {boiler:.1%} "
            f"| **{sum(s['recall_shared'] for s in scores) / n:.3f}** | {sum(s['recall_all'] for s in scores) / n:.3f} "
            f"| {total_sentences / n:.1f} | {sum(s['words'] for s in scores) / n:.0f} |"
        )
    lines += [
        "",
        "The baselines get as many sentences, or as many words, as the new draft's running text, so recall",
        "compares the same budget. The 'before' engine is run on the same material for comparison.",
        "ECB+ is English only: the one-language figure checks the detector finds no stray language in the",
        "drafts, not the cross-language filter (tests/generation/test_drafts_quality.py covers mixed material).",
    ]
    body = "\n".join(lines)
    if args.record:
        from benchmarks._common import record

        record("drafts: offline draft quality on ECB+", COMMAND, body)
    else:
        print(body)


if __name__ == "__main__":
    main()
