"""Per-platform text: counted the platform's way, split into threads at sentence boundaries,
hashtags and UTM-tagged links appended. Everything here is pure (no I/O)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import regex
from django.utils.translation import gettext as _

URL_RE = regex.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", regex.I)
EMOJI_RE = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
SENTENCE_RE = regex.compile(r"(?<=[.!?…。！？])\s+")

# twitter-text v3 configuration (config/v3.json): weights are in hundredths of a character.
X_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
X_DEFAULT_WEIGHT = 200
X_RANGE_WEIGHT = 100
X_URL_LENGTH = 23
X_MAX = 280


def x_weighted_length(text: str) -> int:
    """twitter-text's weighted length: NFC, URLs as 23, emoji sequences as 2, CJK and others as 2."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    pos = 0
    for match in URL_RE.finditer(text):
        total += _x_weight(text[pos : match.start()])
        total += X_URL_LENGTH * 100
        pos = match.end()
    total += _x_weight(text[pos:])
    return total // 100


def _x_weight(chunk: str) -> int:
    weight = 0
    for grapheme in regex.findall(r"\X", chunk):
        if EMOJI_RE.search(grapheme):
            weight += X_DEFAULT_WEIGHT
            continue
        for char in grapheme:
            cp = ord(char)
            in_range = any(lo <= cp <= hi for lo, hi in X_RANGES)
            weight += X_RANGE_WEIGHT if in_range else X_DEFAULT_WEIGHT
    return weight


def grapheme_length(text: str) -> int:
    return len(regex.findall(r"\X", text))


def mastodon_length(text: str, *, url_length: int = 23) -> int:
    """Mastodon counts characters with every URL as `characters_reserved_per_url`."""
    return len(URL_RE.sub("x" * url_length, text))


def plain_length(text: str) -> int:
    return len(text)


def utf16_length(text: str) -> int:
    """Telegram counts entities and limits in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def add_utm(url: str, *, source: str, medium: str = "social", campaign: str = "") -> str:
    if not url:
        return url
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [("utm_source", source), ("utm_medium", medium)]
    if campaign:
        query.append(("utm_campaign", campaign))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))


def hashtags_for(tags: list[str], *, limit: int = 5) -> str:
    out = []
    for tag in tags:
        cleaned = regex.sub(r"[^\p{L}\p{N}_]", "", str(tag).title().replace(" ", ""))
        if cleaned and f"#{cleaned}" not in out:
            out.append(f"#{cleaned}")
    return " ".join(out[:limit])


def _words_that_fit(sentence: str, *, count, room: int) -> list[str]:
    """The sentence's words; a word longer than a message (text in scripts written without spaces,
    such as Chinese or Japanese) is cut between graphemes, never inside an emoji or an accent. A
    link is kept whole."""
    out: list[str] = []
    for word in sentence.split():
        if count(word) <= room or URL_RE.fullmatch(word):
            out.append(word)
            continue
        piece = ""
        for grapheme in regex.findall(r"\X", word):
            if piece and count(piece + grapheme) > room:
                out.append(piece)
                piece = ""
            piece += grapheme
        if piece:
            out.append(piece)
    return out


@dataclass
class Rendered:
    parts: list[str]
    limit: int
    lengths: list[int]
    errors: list[str] = field(default_factory=list)
    media: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def split_thread(
    *, text: str, tail: str, limit: int, count, max_parts: int, numbered: bool = True
) -> tuple[list[str], list[str]]:
    """Greedy packing of sentences into parts that each fit `limit` (counted by `count`), the tail
    (hashtags and link) kept whole at the end. Returns (parts, errors)."""
    whole = f"{text}\n\n{tail}".strip() if tail else text.strip()
    if count(whole) <= limit:
        return [whole], []
    reserve = len(f" {max_parts}/{max_parts}") if numbered else 0
    room = limit - reserve
    units: list[str] = []
    for paragraph in [p.strip() for p in text.split("\n") if p.strip()]:
        for sentence in SENTENCE_RE.split(paragraph):
            sentence = sentence.strip()
            if not sentence:
                continue
            if count(sentence) <= room:
                units.append(sentence)
                continue
            # A sentence longer than one message: fall back to word boundaries.
            piece = ""
            for word in _words_that_fit(sentence, count=count, room=room):
                if count(word) > room:
                    return [], [
                        _("A word cannot fit in %(limit)s characters: %(word)s…") % {"limit": limit, "word": word[:40]}
                    ]
                candidate = f"{piece} {word}".strip()
                if count(candidate) <= room:
                    piece = candidate
                else:
                    units.append(piece)
                    piece = word
            if piece:
                units.append(piece)
    if tail:
        if count(tail) > room:
            return [], [_("Hashtags and link alone exceed the limit.")]
        units.append(tail)
    parts: list[str] = []
    current = ""
    for unit in units:
        sep = "\n\n" if unit is units[-1] and tail else " "
        candidate = f"{current}{sep}{unit}" if current else unit
        if count(candidate) <= room:
            current = candidate
        else:
            parts.append(current)
            current = unit
    if current:
        parts.append(current)
    if len(parts) > max_parts:
        return [], [
            _("The text needs %(n)s messages; at most %(max)s are allowed.") % {"n": len(parts), "max": max_parts}
        ]
    if numbered and len(parts) > 1:
        parts = [f"{part} {i}/{len(parts)}" for i, part in enumerate(parts, 1)]
    return parts, []
