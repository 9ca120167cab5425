"""Synthetic story streams for the trends benchmarks: deterministic, any size, with gold labels.

Each story has its own event words and shares its entity with three other stories (look-alike
distractors); items mix the story's words with common filler words and arrive over a story's life."""

from __future__ import annotations

import random

from apps.trends.clustering import Record

SYLLABLES = (
    [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["ch" + v for v in "aeiou"] + ["sh" + v for v in "aeiou"]
)


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def synthetic_stream(
    n_items: int, *, seed: int = 7, days: float = 30.0, mean_story_size: int = 20
) -> tuple[list[Record], dict[int, int]]:
    rng = random.Random(seed)
    vocab = _vocabulary(rng, 60_000)
    common, rare = vocab[:3000], vocab[3000:]
    n_stories = max(1, n_items // mean_story_size)
    entities = [(rng.choice(rare), rng.choice(rare)) for _ in range(max(1, n_stories // 4))]
    records: list[Record] = []
    gold: dict[int, int] = {}
    start = 1_772_400_000.0
    story = 0
    while len(records) < n_items:
        entity = entities[story % len(entities)]
        words = rng.sample(rare, 12)
        born = start + rng.uniform(0, days * 86400)
        size = min(max(1, int(rng.expovariate(1 / mean_story_size))), 200, n_items - len(records))
        for _ in range(size):
            title_words = [*entity[:1], *rng.sample(words, 4), *rng.choices(common[:300], k=2)]
            rng.shuffle(title_words)
            text_words = [*entity, *rng.sample(words, 7), *rng.choices(common, k=18)]
            rng.shuffle(text_words)
            record_id = len(records) + 1
            records.append(
                Record(
                    id=record_id,
                    title=" ".join(title_words).capitalize(),
                    text=" ".join(text_words).capitalize() + ".",
                    published_at=born + min(rng.expovariate(1 / 14400), 3 * 86400),
                    source=rng.randint(1, 40),
                )
            )
            gold[record_id] = story
        story += 1
    return records, gold
