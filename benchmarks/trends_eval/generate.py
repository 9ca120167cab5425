"""SYNTHETIC (fictional stories; a unit-test fixture, not a benchmark). Builds the labelled evaluation set (dataset.jsonl) from the hand-written stories, deterministically.

    .venv/bin/python -m benchmarks.trends_eval.generate

Each story is told by several of seven sources (five English, two Russian) over a day or two: a headline
variant in the source's house style and two or three of the story's facts in shuffled order, sometimes a
stock sentence every outlet uses. The wire service's copies reappear in other outlets (near-duplicates)."""

from __future__ import annotations

import datetime as dt
import json
import random

from apps.trends.demo_data import SOURCES
from apps.trends.demo_data import STORIES as DATASET

from .stories import SINGLETONS, STORIES

SEED = 20260302
START = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)

EN_FILLER = [
    "The company did not immediately respond to a request for comment.",
    "This is a developing story and will be updated.",
    "Analysts said the news could weigh on the wider sector.",
    "More details are expected later this week.",
    "Officials declined to give further details.",
]
RU_FILLER = [
    "Компания пока не ответила на запрос о комментарии.",
    "Подробности ожидаются позже.",
    "Эксперты считают, что новость может повлиять на весь сектор.",
]


def _styled(headline: str, source: dict, rng: random.Random) -> str:
    roll = rng.random()
    if source["id"] == 2 and roll < 0.3:
        return f"UPDATE {rng.randint(1, 3)}-{headline}"
    if source["id"] == 3 and roll < 0.5:
        return " ".join(w if w.isupper() else w[:1].upper() + w[1:] for w in headline.split())
    if source["id"] == 4 and roll < 0.3:
        return f"Briefing: {headline}"
    if source["language"] == "ru" and roll < 0.2:
        return f"Срочно: {headline}"
    return headline


def _item(story: dict, lang: str, source: dict, when: dt.datetime, rng: random.Random) -> dict:
    text = story[lang]
    facts = rng.sample(text["facts"], k=min(len(text["facts"]), rng.randint(2, 3)))
    if rng.random() < 0.3:
        facts.append(rng.choice(EN_FILLER if lang == "en" else RU_FILLER))
    return {
        "story": story["id"],
        "source": source["id"],
        "source_name": source["name"],
        "domain": source["domain"],
        "language": lang,
        "title": _styled(rng.choice(text["headlines"]), source, rng),
        "summary": " ".join(facts),
        "published_at": when.isoformat(),
        "duplicate_of": None,
    }


def build() -> list[dict]:
    rng = random.Random(SEED)
    en_sources = [s for s in SOURCES if s["language"] == "en"]
    ru_sources = [s for s in SOURCES if s["language"] == "ru"]
    items: list[dict] = []
    for story in STORIES:
        start = START + dt.timedelta(days=story["day"])
        count = rng.randint(12, 18)
        en_variants = len(story["en"]["headlines"])
        ru_share = 0.0 if "ru" not in story else (0.55 if en_variants <= 2 else 0.3)
        told: list[dict] = []
        for _ in range(count):
            when = start + dt.timedelta(hours=min(rng.expovariate(1 / 9), 60), minutes=rng.randint(0, 59))
            when = when.replace(microsecond=0)
            if told and rng.random() < 0.08:
                original = rng.choice([t for t in told if t["duplicate_of"] is None])
                copy = dict(original, source=0)
                candidates = [s for s in SOURCES if s["language"] == original["language"]]
                source = rng.choice([s for s in candidates if s["id"] != original["source"]])
                copy.update(
                    source=source["id"],
                    source_name=source["name"],
                    domain=source["domain"],
                    title=_styled(original["title"], source, rng),
                    published_at=(
                        dt.datetime.fromisoformat(original["published_at"]) + dt.timedelta(minutes=rng.randint(5, 90))
                    ).isoformat(),
                    duplicate_of=original,
                )
                told.append(copy)
                continue
            lang = "ru" if rng.random() < ru_share else "en"
            source = rng.choice(ru_sources if lang == "ru" else en_sources)
            told.append(_item(story, lang, source, when, rng))
        items.extend(told)
    for n, title in enumerate(SINGLETONS):
        lang = "ru" if any("а" <= ch <= "я" for ch in title.lower()) else "en"
        source = rng.choice([s for s in SOURCES if s["language"] == lang])
        when = (START + dt.timedelta(days=rng.uniform(0, 19))).replace(microsecond=0)
        filler = rng.choice(EN_FILLER if lang == "en" else RU_FILLER)
        items.append(
            {
                "story": f"single-{n}",
                "source": source["id"],
                "source_name": source["name"],
                "domain": source["domain"],
                "language": lang,
                "title": title,
                "summary": f"{title}. {filler}",
                "published_at": when.isoformat(),
                "duplicate_of": None,
            }
        )
    items.sort(key=lambda i: (i["published_at"], i["story"], i["title"]))
    for n, item in enumerate(items, start=1):
        item["id"] = n
    for item in items:
        if isinstance(item["duplicate_of"], dict):
            item["duplicate_of"] = item["duplicate_of"]["id"]
    return items


def main() -> None:
    items = build()
    with DATASET.open("w", encoding="utf-8") as out:
        for item in items:
            out.write(json.dumps({k: item[k] for k in sorted(item)}, ensure_ascii=False) + "\n")
    stories = {i["story"] for i in items if not i["story"].startswith("single-")}
    print(
        f"{len(items)} items, {len(stories)} stories (+{len(SINGLETONS)} one-offs), {len(SOURCES)} sources -> {DATASET}"
    )


if __name__ == "__main__":
    main()
