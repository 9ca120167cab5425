"""Deciding a headline test: which variant has the best click-through and how sure that is.

Two methods, both on (impressions, clicks) per variant:
- two-proportion z-test of the leader against each other variant (pooled standard error, one-sided,
  Bonferroni-corrected for the number of comparisons); confidence = 1 - the largest corrected p-value;
- Bayesian beta-binomial: each rate ~ Beta(1 + clicks, 1 + views - clicks); confidence = the chance
  that the leader is the best, by Monte Carlo with a fixed seed (the same figures give the same answer).
Pure functions: no database here."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

BAYES_DRAWS = 20_000


@dataclass
class Arm:
    impressions: int
    clicks: int

    @property
    def rate(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0


@dataclass
class Decision:
    leader: int | None  # index of the best arm (None: no data yet)
    confidence: float  # 0..1, as defined by the method
    significant: bool  # confidence reached the required level (and every arm had its minimum views)
    p_values: list[float | None]  # z-test: leader vs each arm (None for the leader itself)
    prob_best: list[float]  # Bayes: each arm's chance to be the best


def z_test(a: Arm, b: Arm) -> float:
    """One-sided p-value that a's rate is not above b's (pooled two-proportion z-test)."""
    if not a.impressions or not b.impressions:
        return 1.0
    pooled = (a.clicks + b.clicks) / (a.impressions + b.impressions)
    se = math.sqrt(pooled * (1 - pooled) * (1 / a.impressions + 1 / b.impressions))
    if se == 0:
        return 1.0 if a.rate <= b.rate else 0.0
    z = (a.rate - b.rate) / se
    return float(sps.norm.sf(z))


def prob_best(arms: list[Arm], *, draws: int = BAYES_DRAWS, seed: int = 0) -> list[float]:
    rng = np.random.default_rng(seed)
    samples = np.stack([rng.beta(1 + arm.clicks, 1 + max(0, arm.impressions - arm.clicks), size=draws) for arm in arms])
    best = np.argmax(samples, axis=0)
    return [float(np.mean(best == i)) for i in range(len(arms))]


def decide(arms: list[Arm], *, method: str, level: float = 0.95, min_impressions: int = 0) -> Decision:
    if len(arms) < 2 or not any(a.impressions for a in arms):
        return Decision(None, 0.0, False, [None] * len(arms), [1 / max(1, len(arms))] * len(arms))
    leader = max(range(len(arms)), key=lambda i: (arms[i].rate, arms[i].impressions))
    comparisons = len(arms) - 1
    p_values: list[float | None] = [
        None if i == leader else min(1.0, z_test(arms[leader], arm) * comparisons) for i, arm in enumerate(arms)
    ]
    chances = prob_best(arms)
    confidence = chances[leader] if method == "bayes" else 1.0 - max(p for p in p_values if p is not None)
    enough = all(a.impressions >= min_impressions for a in arms)
    return Decision(leader, confidence, enough and confidence >= level, p_values, chances)


def textbook_sample_size(*, base_rate: float, lift: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Views per variant a fixed-horizon two-sided two-proportion test needs to find a relative `lift`
    over `base_rate` (the usual normal-approximation formula)."""
    p1, p2 = base_rate, base_rate * (1 + lift)
    z_a = sps.norm.ppf(1 - alpha / 2)
    z_b = sps.norm.ppf(power)
    n = (z_a + z_b) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p2 - p1) ** 2
    return math.ceil(n)
