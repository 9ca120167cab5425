"""Words for matching a search term (Google Trends' daily searches) against a trend's title and keywords.
Latin and Cyrillic words are stemmed as clustering stems them (text.normalize_token: "выборы"/"выборов",
"elections"/"election" meet); Chinese is segmented with jieba and Japanese and Korean are split into character
pairs (apps.sources.tokenize), so "台风" finds "强台风袭击上海" and "地震" finds "東京で地震"; a trend's
words in other alphabets also give their Latin spelling, so the term "Moskva" meets "Москва". Pure functions."""

from __future__ import annotations

from functools import lru_cache

import regex
from anyascii import anyascii

from apps.sources.tokenize import needs_segmentation
from apps.sources.tokenize import tokenize as segment

from .text import normalize_token

MAX_TEXT = 1000


def _words(text: str, *, for_index: bool) -> set[str]:
    out: set[str] = set()
    for token in segment(text[:MAX_TEXT], for_index=for_index):
        if needs_segmentation(token):
            out.add(token)
        elif token and (stem := normalize_token(token)):
            out.add(stem)
    return out


@lru_cache(maxsize=20_000)
def term_words(term: str) -> frozenset[str]:
    """The words a trend must all have to match the search term (empty: the term cannot match)."""
    return frozenset(_words(term or "", for_index=False))


@lru_cache(maxsize=50_000)
def trend_words(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """A trend's words (title and keywords, joined): stems and CJK words and pairs; and the Latin spellings of
    its stems in other alphabets ("москв" -> "moskv"), which a Latin word of a term may continue ("moskva")."""
    words = _words((text or "")[:MAX_TEXT], for_index=True)
    latin = {
        spelled
        for word in words
        if not word.isascii() and not needs_segmentation(word)
        if len(spelled := _NOT_ALNUM.sub("", anyascii(word).lower())) >= MIN_SPELLED
    }
    return frozenset(words), tuple(sorted(latin))


_NOT_ALNUM = regex.compile(r"[^a-z0-9]+")
MIN_SPELLED = 4
MAX_ENDING = 3


def _spelled(word: str, latin: tuple[str, ...]) -> bool:
    return word.isascii() and any(word.startswith(s) and len(word) - len(s) <= MAX_ENDING for s in latin)


def matches(term: str, text: str) -> bool:
    """All the term's words are among the trend's (a Latin word may also spell one of its other-script stems)."""
    wanted = term_words(term)
    if not wanted:
        return False
    words, latin = trend_words(text)
    return all(word in words or _spelled(word, latin) for word in wanted)
