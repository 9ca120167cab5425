"""Words for search and near-duplicate shingles in scripts written without spaces, and Latin spellings
of names in other scripts. Chinese is segmented with jieba (search mode for indexing, so "人民" finds
"中华人民共和国"); Japanese (kana present, or the item says ja) and Korean are split into overlapping
character pairs, as Lucene's CJK bigram analyzer does; Cyrillic, Greek, Arabic and other words also
get their ASCII transliteration (anyascii), so "moskva" finds "Москва". Pure functions."""

from __future__ import annotations

import logging
from functools import lru_cache

import jieba
import regex
from anyascii import anyascii

jieba.setLogLevel(logging.WARNING)

MAX_CHARS = 6000
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")
_KANA = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
_NON_LATIN_LETTER = regex.compile(r"[^\p{Latin}\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\d_\W]")
_RUNS = regex.compile(
    r"(?P<cjk>[\p{Han}\p{Hiragana}\p{Katakana}ー]+)|(?P<hangul>\p{Hangul}+)"
    r"|(?P<word>[^\W\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]+)"
)
_HAN_ONLY = regex.compile(r"\p{Han}+")


def needs_segmentation(text: str) -> bool:
    return bool(_CJK.search(text or ""))


def _bigrams(run: str) -> list[str]:
    return [run] if len(run) < 2 else [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=1)
def _jieba_ready() -> bool:
    jieba.initialize()  # loads the dictionary once per process
    return True


def _chinese(run: str, *, for_index: bool) -> list[str]:
    _jieba_ready()
    words = jieba.cut_for_search(run) if for_index else jieba.cut(run)
    return [w for w in words if w.strip()]


def tokenize(text: str, *, language: str = "", for_index: bool = True) -> list[str]:
    """Lower-cased tokens of text: words as written, Chinese words, Japanese and Korean bigrams."""
    text = (text or "")[:MAX_CHARS].lower()
    japanese = language == "ja" or bool(_KANA.search(text))
    tokens: list[str] = []
    for match in _RUNS.finditer(text):
        run = match.group()
        if match.group("cjk") and not japanese and _HAN_ONLY.fullmatch(run):
            tokens.extend(_chinese(run, for_index=for_index))
        elif match.group("cjk") or match.group("hangul"):
            tokens.extend(_bigrams(run))
        else:
            tokens.append(run)
    return tokens


def transliterations(text: str) -> list[str]:
    """ASCII spellings of the words of text written in non-Latin alphabets (Cyrillic, Greek, Arabic…)."""
    out = []
    for word in regex.findall(r"\w+", (text or "")[:MAX_CHARS]):
        if _NON_LATIN_LETTER.search(word):
            latin = regex.sub(r"[^a-z0-9]+", "", anyascii(word).lower())
            if latin:
                out.append(latin)
    return out


def search_tokens(title: str, text: str, *, language: str = "") -> str:
    """What the search index needs beyond the words as written: segmented CJK words and Latin spellings.
    Empty for text in the Latin alphabet only (the common case costs nothing)."""
    sample = f"{title}\n{text[:MAX_CHARS]}"
    extra: list[str] = []
    if needs_segmentation(sample):
        extra.extend(t for t in tokenize(sample, language=language) if _CJK.search(t))
    if _NON_LATIN_LETTER.search(sample):
        extra.extend(transliterations(sample))
    return " ".join(dict.fromkeys(extra))[:20000]


def shingle_words(title: str, text: str, *, language: str = "", limit: int = 400) -> list[str] | None:
    """Words for MinHash shingles when the text needs segmentation (None: the plain word split will do)."""
    sample = f"{title} {text[:MAX_CHARS]}"
    if not needs_segmentation(sample):
        return None
    return tokenize(sample, language=language, for_index=False)[:limit]
