"""Clustering scores: NMI (our own, as scikit-learn computes it by default) and B-cubed."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from apps.trends.clustering.metrics import bcubed, nmi

labels = st.lists(st.integers(0, 6), min_size=1, max_size=60)


@given(labels)
def test_a_clustering_scores_one_against_itself_under_any_renaming(gold):
    renamed = [f"c{7 - g}" for g in gold]
    assert math.isclose(nmi(gold, renamed), 1.0)
    assert bcubed(dict(enumerate(gold)), dict(enumerate(renamed))) == (1.0, 1.0, 1.0)


@given(st.data())
def test_nmi_is_symmetric_and_between_zero_and_one(data):
    gold = data.draw(labels)
    predicted = data.draw(st.lists(st.integers(0, 6), min_size=len(gold), max_size=len(gold)))
    score = nmi(gold, predicted)
    assert 0.0 <= score <= 1.0
    assert math.isclose(score, nmi(predicted, gold), abs_tol=1e-12)


def test_nmi_limit_cases_and_a_worked_example():
    assert nmi([1, 1, 1], [5, 5, 5]) == 1.0  # nothing split on either side
    assert nmi([1, 1, 2, 2], [1, 2, 1, 2]) == 0.0  # independent
    assert nmi([0, 0, 0], [0, 1, 2]) == 0.0  # one side carries no information
    # Two stories of two items; one story split: MI = ln 2, H = ln 2 and 1.5 ln 2 -> 0.8.
    assert math.isclose(nmi([0, 0, 1, 1], [0, 0, 1, 2]), 0.8)
