"""Clustering quality against gold labels: B-cubed precision/recall/F1 and normalized mutual information."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sklearn.metrics import normalized_mutual_info_score


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


def evaluate(gold: dict, predicted: dict) -> Quality:
    ids = [i for i in gold if i in predicted]
    precision, recall, f1 = bcubed(gold, predicted)
    nmi = normalized_mutual_info_score([gold[i] for i in ids], [predicted[i] for i in ids])
    return Quality(
        precision=precision,
        recall=recall,
        f1=f1,
        nmi=float(nmi),
        items=len(ids),
        gold_clusters=len({gold[i] for i in ids}),
        predicted_clusters=len({predicted[i] for i in ids}),
    )
