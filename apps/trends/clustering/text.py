"""Text normalization for clustering: language guess, tokenization, stop words and light stemming
(English and Russian), so that "acquires"/"acquired" and "компании"/"компанию" meet."""

from __future__ import annotations

import re
from functools import lru_cache

from apps.core.stopwords import ENGLISH, RUSSIAN

TOKEN_PATTERN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?")
_TOKEN = TOKEN_PATTERN
_CYRILLIC = re.compile(r"[а-яё]", re.I)
_LATIN = re.compile(r"[a-z]", re.I)

# Plus more function words and what every newswire story says (said, Reuters, weekdays).
EN_STOP = ENGLISH | frozenset(
    [
        "above",
        "again",
        "against",
        "am",
        "because",
        "below",
        "between",
        "doing",
        "during",
        "further",
        "having",
        "hers",
        "herself",
        "himself",
        "itself",
        "myself",
        "nor",
        "now",
        "off",
        "once",
        "only",
        "ours",
        "ourselves",
        "own",
        "same",
        "theirs",
        "themselves",
        "through",
        "under",
        "until",
        "while",
        "yours",
        "yourself",
        "yourselves",
        "says",
        "said",
        "say",
        "new",
        "shall",
        "one",
        "two",
        "per",
        "via",
        "amid",
        "year",
        "years",
        "week",
        "weeks",
        "today",
        "yesterday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "according",
        "report",
        "reports",
        "reported",
        "reuters",
        "ap",
        "afp",
        "update",
        "updated",
        "live",
        "breaking",
        "news",
        "week's",
        "told",
    ]
)
RU_STOP = RUSSIAN | frozenset(
    [
        "также",
        "заявил",
        "заявила",
        "сообщил",
        "сообщила",
        "сообщает",
        "сообщили",
        "году",
        "года",
        "год",
        "новости",
        "который",
        "которая",
        "которые",
        "которых",
        "котором",
        "стало",
        "стал",
        "стала",
        "ранее",
    ]
)

# Longest first: the first ending that leaves a long enough stem is removed.
_RU_ENDINGS = sorted(
    [
        "иями",
        "ями",
        "ами",
        "ого",
        "его",
        "ому",
        "ему",
        "ыми",
        "ими",
        "ешь",
        "ете",
        "ишь",
        "ите",
        "ает",
        "яет",
        "ают",
        "яют",
        "ила",
        "ыла",
        "ала",
        "яла",
        "ена",
        "ено",
        "ены",
        "ена",
        "ешься",
        "ется",
        "ится",
        "ются",
        "ятся",
        "ался",
        "ался",
        "ился",
        "ась",
        "ось",
        "ись",
        "ая",
        "яя",
        "ое",
        "ее",
        "ые",
        "ие",
        "ый",
        "ий",
        "ой",
        "ом",
        "ем",
        "ам",
        "ям",
        "ах",
        "ях",
        "ую",
        "юю",
        "ою",
        "ею",
        "ов",
        "ев",
        "ей",
        "ия",
        "ии",
        "ию",
        "ья",
        "ье",
        "ьи",
        "ью",
        "ть",
        "ет",
        "ют",
        "ут",
        "ит",
        "ат",
        "ят",
        "ил",
        "ыл",
        "ал",
        "ял",
        "ла",
        "ло",
        "ли",
        "ли",
        "ся",
        "сь",
        "а",
        "я",
        "о",
        "е",
        "и",
        "ы",
        "у",
        "ю",
        "ь",
        "й",
    ],
    key=len,
    reverse=True,
)
_EN_SUFFIXES = (
    ("ational", "ate"),
    ("ization", "ize"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("ements", "e"),
    ("ement", "e"),
    ("ments", ""),
    ("ment", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("sses", "ss"),
    ("edly", ""),
    ("ed", ""),
    ("ers", ""),
    ("er", ""),
    ("es", ""),
    ("s", ""),
)


def guess_language(text: str) -> str:
    """ "ru" when Cyrillic letters dominate, else "en" (the two languages the app speaks)."""
    sample = text[:400]
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    return "ru" if cyr > lat else "en"


@lru_cache(maxsize=200_000)
def stem_en(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    for suffix, replacement in _EN_SUFFIXES:
        if word.endswith(suffix):
            stem = word[: -len(suffix)] + replacement
            if len(stem) >= 3 and not (suffix == "s" and word.endswith(("ss", "us", "is"))):
                if suffix in ("ing", "ed", "er", "ers", "ings") and len(stem) > 3 and stem[-1] == stem[-2]:
                    stem = stem[:-1]  # "planned" -> "plan", "shipping" -> "ship"
                return stem
    return word


@lru_cache(maxsize=200_000)
def stem_ru(word: str) -> str:
    word = word.replace("ё", "е")
    if len(word) <= 4:
        return word
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@lru_cache(maxsize=400_000)
def normalize_token(token: str) -> str:
    """The stem of one lower-cased token, or "" for a stop word. Script picks the stemmer, so Latin
    brand names inside Russian text stem like English ones and still meet their English mentions."""
    if token.isdigit() or token[0].isdigit():
        return token.replace(",", ".")
    if _CYRILLIC.match(token):
        return "" if token in RU_STOP or len(token) < 3 else stem_ru(token)
    return "" if token in EN_STOP or len(token) < 2 else stem_en(token.replace("’", "'"))


def tokenize(text: str) -> list[str]:
    """Normalized tokens (stems) of a text, stop words removed, order kept."""
    out = []
    for token in _TOKEN.findall(text.lower()):
        stem = normalize_token(token)
        if stem:
            out.append(stem)
    return out


def surface_tokens(text: str) -> list[tuple[str, str]]:
    """(stem, surface word) pairs, for turning features back into readable keywords."""
    out = []
    for token in _TOKEN.findall(text):
        stem = normalize_token(token.lower())
        if stem:
            out.append((stem, token))
    return out


_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZА-ЯЁ0-9«\"“])")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if len(s.strip()) > 20]
