"""Clustering quality against gold labels: B-cubed precision/recall/F1 and normalized mutual information."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    f1: float
    nmi: float
    items: int
    gold_clusters: int
    predicted_clusters: int


def bcubed(gold: dict, predicted: dict) -> tuple[float, float, float]:
    """Amigó et al. (2009): per item, the share of its predicted cluster that shares its gold label
    (precision) and the share of its gold cluster that shares its predicted cluster (recall), averaged."""
    ids = [i for i in gold if i in predicted]
    pair = Counter((gold[i], predicted[i]) for i in ids)
    gold_size = Counter(gold[i] for i in ids)
    pred_size = Counter(predicted[i] for i in ids)
    precision = sum(pair[(gold[i], predicted[i])] / pred_size[predicted[i]] for i in ids) / len(ids)
    recall = sum(pair[(gold[i], predicted[i])] / gold_size[gold[i]] for i in ids) / len(ids)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _entropy(counts: Counter, n: int) -> float:
    return -sum(c / n * math.log(c / n) for c in counts.values())


def nmi(gold: Sequence, predicted: Sequence) -> float:
    """Normalized mutual information, normalized by the arithmetic mean of the two entropies (as
    scikit-learn's normalized_mutual_info_score does by default, limit cases included)."""
    n = len(gold)
    gold_counts, pred_counts = Counter(gold), Counter(predicted)
    if len(gold_counts) == len(pred_counts) and len(gold_counts) <= 1:
        return 1.0  # nothing split, and nothing to split
    joint = Counter(zip(gold, predicted, strict=True))
    mutual = sum(c / n * math.log(c * n / (gold_counts[g] * pred_counts[p])) for (g, p), c in joint.items())
    if mutual <= 0:
        return 0.0
    return max(0.0, min(1.0, mutual / ((_entropy(gold_counts, n) + _entropy(pred_counts, n)) / 2)))


def evaluate(gold: dict, predicted: dict) -> Quality:
    ids = [i for i in gold if i in predicted]
    precision, recall, f1 = bcubed(gold, predicted)
    score = nmi([gold[i] for i in ids], [predicted[i] for i in ids])
    return Quality(
        precision=precision,
        recall=recall,
        f1=f1,
        nmi=score,
        items=len(ids),
        gold_clusters=len({gold[i] for i in ids}),
        predicted_clusters=len({predicted[i] for i in ids}),
    )
