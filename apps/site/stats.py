"""Deciding a headline test: which variant has the best click-through and how sure that is.

Two methods, both on (impressions, clicks) per variant:
- two-proportion z-test of the leader against each other variant, made safe to look at again and again
  (the beat tick looks every few minutes; a plain z-test at 95 % looked at that often declares a winner
  between two equal headlines about a third of the time): the mixture sequential probability ratio test
  (mSPRT, Johari, Pekelis & Walsh 2017) on the z statistic of the difference, with a normal mixture of
  scale TAU_RELATIVE x the pooled rate, Bonferroni-corrected for the number of comparisons; confidence =
  1 - the largest always-valid p-value. The classical fixed-horizon p-values are reported beside it;
- Bayesian beta-binomial: each rate ~ Beta(1 + clicks, 1 + views - clicks); confidence = the chance
  that the leader is the best, by Monte Carlo with a fixed seed (the same figures give the same answer).
Pure functions: no database here."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

BAYES_DRAWS = 20_000
# The mSPRT mixture's standard deviation, relative to the pooled click-through: effects of about this
# relative size are found fastest (a +20 % lift is the typical headline effect).
TAU_RELATIVE = 0.2


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
    p_values: list[float | None]  # fixed-horizon z-test: leader vs each arm (None for the leader itself)
    prob_best: list[float]  # Bayes: each arm's chance to be the best
    p_sequential: list[float | None]  # always-valid (mSPRT) p-values, leader vs each arm


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


def msprt_p_value(a: Arm, b: Arm, *, tau_relative: float = TAU_RELATIVE) -> float:
    """Always-valid two-sided p-value (1 / the mixture likelihood ratio) that a and b have the same rate."""
    if not a.impressions or not b.impressions:
        return 1.0
    pooled = (a.clicks + b.clicks) / (a.impressions + b.impressions)
    if pooled <= 0 or pooled >= 1:
        return 1.0
    variance = a.rate * (1 - a.rate) / a.impressions + b.rate * (1 - b.rate) / b.impressions
    variance = max(variance, pooled * (1 - pooled) * (1 / a.impressions + 1 / b.impressions) * 1e-3)
    tau2 = (tau_relative * pooled) ** 2
    diff = a.rate - b.rate
    log_ratio = 0.5 * math.log(variance / (variance + tau2)) + diff * diff * tau2 / (2 * variance * (variance + tau2))
    return 1.0 if log_ratio <= 0 else min(1.0, math.exp(-log_ratio))


def prob_best(arms: list[Arm], *, draws: int = BAYES_DRAWS, seed: int = 0) -> list[float]:
    rng = np.random.default_rng(seed)
    samples = np.stack([rng.beta(1 + arm.clicks, 1 + max(0, arm.impressions - arm.clicks), size=draws) for arm in arms])
    best = np.argmax(samples, axis=0)
    return [float(np.mean(best == i)) for i in range(len(arms))]


def decide(
    arms: list[Arm], *, method: str, level: float = 0.95, min_impressions: int = 0, draws: int = BAYES_DRAWS
) -> Decision:
    if len(arms) < 2 or not any(a.impressions for a in arms):
        return Decision(None, 0.0, False, [None] * len(arms), [1 / max(1, len(arms))] * len(arms), [None] * len(arms))
    leader = max(range(len(arms)), key=lambda i: (arms[i].rate, arms[i].impressions))
    comparisons = len(arms) - 1
    p_values: list[float | None] = [
        None if i == leader else min(1.0, z_test(arms[leader], arm) * comparisons) for i, arm in enumerate(arms)
    ]
    sequential: list[float | None] = [
        None if i == leader else min(1.0, msprt_p_value(arms[leader], arm) * comparisons) for i, arm in enumerate(arms)
    ]
    chances = prob_best(arms, draws=draws)
    confidence = chances[leader] if method == "bayes" else 1.0 - max(p for p in sequential if p is not None)
    enough = all(a.impressions >= min_impressions for a in arms)
    return Decision(leader, confidence, enough and confidence >= level, p_values, chances, sequential)


def textbook_sample_size(*, base_rate: float, lift: float, alpha: float = 0.05, power: float = 0.8) -> int:
    """Views per variant a fixed-horizon two-sided two-proportion test needs to find a relative `lift`
    over `base_rate` (the usual normal-approximation formula)."""
    p1, p2 = base_rate, base_rate * (1 + lift)
    z_a = sps.norm.ppf(1 - alpha / 2)
    z_b = sps.norm.ppf(power)
    n = (z_a + z_b) ** 2 * (p1 * (1 - p1) + p2 * (1 - p2)) / (p2 - p1) ** 2
    return math.ceil(n)
