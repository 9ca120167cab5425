"""Learning what works from the workspace's own history: the best time to post on each channel, and an
engagement forecast for a publication before it goes out, with its error on past posts.

Engagement is likes + reposts + replies + clicks at the latest measurement. Only publications that were
measured count (a platform that reports no figures says nothing, which is not the same as zero).

- Best time: per channel, the average of log(1 + engagement) in each weekday x hour slot, shrunk towards
  the channel's own mean (a slot seen once does not win on one lucky post), from MIN_CHANNEL_HISTORY
  measured publications on; below that the answer is "not enough data yet".
- Forecast: ridge regression of log(1 + engagement) on channel, hour, weekday, length (log characters),
  media and persona (one-hot, standardised), its penalty chosen by generalised cross-validation on the
  training rows. Its error is the 5-fold cross-validated mean absolute error in engagements, next to the
  error of always predicting the training folds' median (the bar it has to clear). From
  MIN_FORECAST_HISTORY measured publications on."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.utils import timezone

from .analytics import WEEKDAYS
from .selectors import publications_with_engagement

MIN_CHANNEL_HISTORY = 10
MIN_FORECAST_HISTORY = 20
SHRINK = 3.0  # pseudo-observations of the channel mean in every slot
FOLDS = 5
PENALTIES = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
CACHE_SECONDS = 15 * 60
MIN_EFFECT = 0.05  # |log factor| below this (under about 5 %) is not worth listing


@dataclass(frozen=True)
class Sample:
    """One measured publication, in the terms the model reads."""

    channel_id: int
    persona_id: int  # 0: no persona
    weekday: int
    hour: int
    length: int
    media: bool
    engagement: int


def _engagement(p) -> int:
    return (p.m_likes or 0) + (p.m_reposts or 0) + (p.m_replies or 0) + (p.m_clicks or 0)


def _length(content: dict) -> int:
    parts = content.get("parts") or []
    return sum(len(part) for part in parts) if parts else len(content.get("text") or "")


def history(*, workspace) -> list[Sample]:
    rows = publications_with_engagement(workspace=workspace).filter(metrics__isnull=False).distinct()
    out = []
    for p in rows:
        local = timezone.localtime(p.published_at)
        out.append(
            Sample(
                channel_id=p.channel_id,
                persona_id=p.post.persona_id or 0,
                weekday=local.weekday(),
                hour=local.hour,
                length=_length(p.content or {}),
                media=bool((p.content or {}).get("media")),
                engagement=_engagement(p),
            )
        )
    return out


# --- best time ---------------------------------------------------------------------------------


@dataclass
class Slot:
    weekday: int
    hour: int
    score: float  # expected engagement (back from the log scale)
    samples: int

    @property
    def weekday_name(self) -> str:
        return str(WEEKDAYS[self.weekday])


@dataclass
class BestTime:
    channel_id: int
    history: int
    needed: int = MIN_CHANNEL_HISTORY
    slots: list[Slot] = field(default_factory=list)  # best first
    next_at: dt.datetime | None = None

    @property
    def enough(self) -> bool:
        return self.history >= self.needed

    @property
    def best(self) -> Slot | None:
        return self.slots[0] if self.slots else None


def next_occurrence(*, weekday: int, hour: int, now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now)
    candidate = (now + dt.timedelta(days=(weekday - now.weekday()) % 7)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return candidate if candidate > now else candidate + dt.timedelta(days=7)


def best_time(*, channel_id: int, samples: list[Sample], top: int = 3) -> BestTime:
    mine = [s for s in samples if s.channel_id == channel_id]
    result = BestTime(channel_id=channel_id, history=len(mine))
    if not result.enough:
        return result
    logs = [math.log1p(s.engagement) for s in mine]
    mean = sum(logs) / len(logs)
    by_slot: dict[tuple[int, int], list[float]] = defaultdict(list)
    for sample, value in zip(mine, logs, strict=True):
        by_slot[(sample.weekday, sample.hour)].append(value)
    slots = [
        Slot(weekday=w, hour=h, score=math.expm1((sum(v) + SHRINK * mean) / (len(v) + SHRINK)), samples=len(v))
        for (w, h), v in by_slot.items()
    ]
    slots.sort(key=lambda s: (-s.score, -s.samples, s.weekday, s.hour))
    result.slots = slots[:top]
    result.next_at = next_occurrence(weekday=slots[0].weekday, hour=slots[0].hour)
    return result


# --- forecast ----------------------------------------------------------------------------------


class Design:
    """Turns samples into the model's columns: one-hot channel, persona, weekday and hour; log length;
    media. Levels unseen in training get all-zero one-hot columns (the average level)."""

    def __init__(self, samples: list[Sample]):
        self.channels = sorted({s.channel_id for s in samples})
        self.personas = sorted({s.persona_id for s in samples})

    def row(self, s: Sample) -> list[float]:
        out = [1.0 if s.channel_id == c else 0.0 for c in self.channels]
        out += [1.0 if s.persona_id == p else 0.0 for p in self.personas]
        out += [1.0 if s.weekday == d else 0.0 for d in range(7)]
        out += [1.0 if s.hour == h else 0.0 for h in range(24)]
        out += [math.log1p(s.length), 1.0 if s.media else 0.0]
        return out

    def matrix(self, samples: list[Sample]) -> np.ndarray:
        return np.array([self.row(s) for s in samples], dtype=float)


@dataclass
class Ridge:
    design: Design
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    penalty: float

    def predict(self, samples: list[Sample]) -> np.ndarray:
        x = (self.design.matrix(samples) - self.mean) / self.scale
        return np.maximum(np.expm1(x @ self.coef + self.intercept), 0.0)


def ridge_fit(samples: list[Sample]) -> Ridge:
    """Fit on log(1 + engagement); the penalty is the one with the lowest generalised cross-validation
    score, computed from one SVD: GCV(a) = n * RSS(a) / (n - df(a))^2, df(a) = sum d^2 / (d^2 + a)."""
    design = Design(samples)
    x = design.matrix(samples)
    y = np.log1p(np.array([s.engagement for s in samples], dtype=float))
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    intercept = float(y.mean())
    u, d, vt = np.linalg.svd(xs, full_matrices=False)
    uty = u.T @ (y - intercept)
    n = len(samples)
    best: tuple[float, float, np.ndarray] | None = None
    for penalty in PENALTIES:
        shrink = d / (d**2 + penalty)
        coef = vt.T @ (shrink * uty)
        rss = float(np.sum((y - intercept - xs @ coef) ** 2))
        df = float(np.sum(d**2 / (d**2 + penalty)))
        gcv = n * rss / max(n - df, 1e-9) ** 2
        if best is None or gcv < best[0]:
            best = (gcv, penalty, coef)
    assert best is not None  # PENALTIES is not empty
    _, penalty, coef = best
    return Ridge(design=design, mean=mean, scale=scale, coef=coef, intercept=intercept, penalty=penalty)


@dataclass
class Evaluation:
    samples: int
    needed: int = MIN_FORECAST_HISTORY
    mae: float | None = None  # the model's cross-validated mean absolute error, in engagements
    baseline_mae: float | None = None  # always predicting the training folds' median
    mean_engagement: float | None = None

    @property
    def enough(self) -> bool:
        return self.samples >= self.needed

    @property
    def improvement(self) -> float | None:
        """The share of the baseline's error the model removes (negative: worse than the baseline)."""
        if self.mae is None or not self.baseline_mae:
            return None
        return 1 - self.mae / self.baseline_mae

    @property
    def improvement_percent(self) -> int | None:
        return None if self.improvement is None else round(100 * self.improvement)


def cross_validate(samples: list[Sample], *, folds: int = FOLDS) -> Evaluation:
    result = Evaluation(samples=len(samples))
    if not result.enough:
        return result
    # Deterministic folds: the order the rows came in, dealt round-robin.
    errors, baseline = [], []
    for k in range(folds):
        train = [s for i, s in enumerate(samples) if i % folds != k]
        test = [s for i, s in enumerate(samples) if i % folds == k]
        truth = np.array([s.engagement for s in test], dtype=float)
        errors.extend(np.abs(ridge_fit(train).predict(test) - truth))
        baseline.extend(np.abs(np.median([s.engagement for s in train]) - truth))
    result.mae = float(np.mean(errors))
    result.baseline_mae = float(np.mean(baseline))
    result.mean_engagement = float(np.mean([s.engagement for s in samples]))
    return result


@dataclass
class Model:
    """What the pages need: the fitted model (or None below the threshold), its evaluation, the history."""

    samples: list[Sample]
    evaluation: Evaluation
    ridge: Ridge | None

    def forecast(self, sample: Sample) -> float | None:
        return float(self.ridge.predict([sample])[0]) if self.ridge is not None else None


def model_for(*, workspace) -> Model:
    """The workspace's model. The history is read every time (one query); the fit and its
    cross-validation are cached under a digest of that history, so new figures refit at once."""
    samples = history(workspace=workspace)
    digest = hashlib.sha256(repr(samples).encode()).hexdigest()[:32]
    key = f"publishing.insights:{workspace.pk}:{digest}"
    cached = cache.get(key)
    if cached is None:
        evaluation = cross_validate(samples)
        cached = (evaluation, ridge_fit(samples) if evaluation.enough else None)
        cache.set(key, cached, CACHE_SECONDS)
    evaluation, ridge = cached
    return Model(samples=samples, evaluation=evaluation, ridge=ridge)


def sample_for(*, channel, persona_id: int | None, when: dt.datetime, length: int, media: bool) -> Sample:
    local = timezone.localtime(when)
    return Sample(
        channel_id=channel.pk,
        persona_id=persona_id or 0,
        weekday=local.weekday(),
        hour=local.hour,
        length=length,
        media=media,
        engagement=0,
    )


def forecast_previews(*, previews: list[dict], post, when: dt.datetime | None) -> None:
    """Add a "forecast" to each preview of the publish panel (in place)."""
    if not previews:
        return
    model = model_for(workspace=post.workspace)
    when = when or timezone.now()
    for preview in previews:
        sample = sample_for(
            channel=preview["channel"],
            persona_id=post.persona_id,
            when=when,
            length=sum(len(p) for p in preview.get("parts") or []),
            media=bool(preview.get("media")),
        )
        preview["forecast"] = {"value": model.forecast(sample), "evaluation": model.evaluation, "when": when}


def best_times_for(*, workspace, channels) -> dict[int, BestTime]:
    if not channels:
        return {}
    samples = model_for(workspace=workspace).samples
    return {c.pk: best_time(channel_id=c.pk, samples=samples) for c in channels}


@dataclass
class Effect:
    label: str
    factor: float  # multiplies the expected engagement


def effects(*, model: Model, channel_names: dict[int, str], persona_names: dict[int, str], top: int = 8) -> list:
    """The strongest factors of the fitted model, as multipliers of expected engagement (one-hot levels
    against the average level; length per doubling; media against none)."""
    if model.ridge is None:
        return []
    ridge = model.ridge
    design = ridge.design
    per_unit = ridge.coef / ridge.scale
    labels = [channel_names.get(c, "?") for c in design.channels]
    labels += [persona_names.get(p, "—") for p in design.personas]
    labels += [str(WEEKDAYS[d]) for d in range(7)]
    labels += [f"{h:02d}:00" for h in range(24)]
    out = [Effect(label=label, factor=math.exp(per_unit[i])) for i, label in enumerate(labels)]
    out.append(Effect(label="length", factor=math.exp(per_unit[len(labels)] * math.log(2))))
    out.append(Effect(label="media", factor=math.exp(per_unit[len(labels) + 1])))
    out = [e for e in out if abs(math.log(e.factor)) >= MIN_EFFECT]
    out.sort(key=lambda e: -abs(math.log(e.factor)))
    return out[:top]
