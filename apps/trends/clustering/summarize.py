"""What a cluster is about, in words: a title (its most central headline), keywords and a short
extractive summary (the member sentences closest to the centroid)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .text import guess_language, split_sentences, surface_tokens
from .vectors import DocumentFrequencies, feature_of, term_counts

_PREFIX = re.compile(
    r"^\s*(?:UPDATE\s*\d*\s*[-:]|EXCLUSIVE\s*[-:]|Briefing:|Analysis:|Breaking:|Live:|Срочно:|Эксклюзив:|Молния:)\s*",
    re.I,
)


SUMMARY_MEMBERS = 5


@dataclass(frozen=True)
class Member:
    title: str
    text: str
    language: str = ""


@dataclass(frozen=True)
class Description:
    title: str
    keywords: list[str]
    summary: str
    language: str
    languages: list[str]


def clean_headline(title: str) -> str:
    return _PREFIX.sub("", title).strip()


def _dense(counts: Counter, df: DocumentFrequencies) -> dict[int, float]:
    if not counts:
        return {}
    features = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    idf = df.idf(features)
    vec = {f: (1.0 + math.log(c)) * w for (f, c), w in zip(counts.items(), idf.tolist(), strict=True)}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {f: v / norm for f, v in vec.items()}


def _cosine(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def describe(members: list[Member], *, df: DocumentFrequencies, keywords: int = 8, sentences: int = 2) -> Description:
    if not members:
        return Description("", [], "", "", [])
    languages = Counter(m.language or guess_language(f"{m.title} {m.text}") for m in members)
    language = languages.most_common(1)[0][0]
    vectors = [_dense(term_counts(m.title, m.text), df) for m in members]
    centroid: dict[int, float] = {}
    for vec in vectors:
        for f, v in vec.items():
            centroid[f] = centroid.get(f, 0.0) + v
    norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0
    centroid = {f: v / norm for f, v in centroid.items()}

    # Title: the most central headline in the trend's main language.
    scored = [
        (_cosine(vec, centroid), -len(m.title), n)
        for n, (m, vec) in enumerate(zip(members, vectors, strict=True))
        if (m.language or language) == language and m.title
    ]
    best = max(scored)[2] if scored else 0
    title = clean_headline(members[best].title) or members[best].title

    # Keywords: the strongest centroid features, spelled as their most common surface form.
    surfaces: dict[str, Counter] = {}
    for m in members:
        for stem, surface in surface_tokens(f"{m.title} {m.text}"):
            surfaces.setdefault(stem, Counter())[surface] += 1
    ranked = sorted(
        ((centroid.get(feature_of(stem), 0.0), stem) for stem in surfaces if not stem[0].isdigit()), reverse=True
    )
    words: list[str] = []
    for weight, stem in ranked:
        if weight <= 0 or len(words) >= keywords:
            break
        surface = surfaces[stem].most_common(1)[0][0]
        lowered = surface if surface[:1].isupper() and surface[1:2].islower() is False else surface.lower()
        if lowered.lower() not in (w.lower() for w in words):
            words.append(surface if surface[:1].isupper() else lowered)

    # Summary: the member sentences nearest the centroid, without repeating one another.
    candidates: list[tuple[float, str, dict[int, float]]] = []
    seen: set[str] = set()
    central = sorted(
        (n for n in range(len(members)) if (members[n].language or language) == language),
        key=lambda n: -_cosine(vectors[n], centroid),
    )[:SUMMARY_MEMBERS]
    for m in (members[n] for n in central):
        for sentence in split_sentences(m.text)[:6]:
            key = sentence.lower()
            if key in seen:
                continue
            seen.add(key)
            vec = _dense(term_counts("", sentence), df)
            candidates.append((_cosine(vec, centroid), sentence, vec))
    candidates.sort(key=lambda c: -c[0])
    chosen: list[tuple[str, dict[int, float]]] = []
    for _score, sentence, vec in candidates:
        if len(chosen) >= sentences:
            break
        if all(_cosine(vec, other) < 0.6 for _s, other in chosen):
            chosen.append((sentence, vec))
    summary = " ".join(s for s, _v in chosen)[:600]
    return Description(title[:500], words, summary, language, [code for code, _n in languages.most_common()])
