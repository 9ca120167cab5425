"""Trend clustering quality on the SYNTHETIC labelled set (fictional stories, a unit-test fixture; real news:
`python -m benchmarks.eval_trends_real`): `python -m benchmarks.eval_trends`.

Prints B-cubed precision/recall/F1 and NMI (ours and the all-pairs baseline) and writes them to
benchmarks/RESULTS.md. Needs no database: the engine is pure Python over the committed dataset."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from benchmarks.trends_eval.evaluate import main as evaluate

    evaluate(write=True)


if __name__ == "__main__":
    main()
