"""Anchors: where a comment thread or a suggestion sits in a post's plain text, and how it is found
again after the text changes. An anchor is the quoted text, a little context on each side and its last
known offsets; after each edit it is re-located by matching the quote and scoring candidates by context
and distance from the old position, falling back to the text between the old prefix and suffix when the
quote itself was rewritten. The live editor also stores where the range sits in the shared document
(Yjs relative positions, anchor_relative) and shows the anchor there; the quote stays the fallback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

CONTEXT = 32
MAX_CANDIDATES = 500
MIN_SANDWICH_CONTEXT = 6
# What re-locating may change on a Comment or Suggestion (anchor_relative stays: it is the live editor's).
ANCHOR_FIELDS = ["anchor_quote", "anchor_prefix", "anchor_suffix", "anchor_start", "anchor_end", "anchor_lost"]


@dataclass(frozen=True)
class Anchor:
    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


def anchor_from_range(*, text: str, start: int, end: int) -> Anchor:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    return Anchor(
        quote=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        start=start,
        end=end,
    )


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n]:
        n += 1
    return n


def anchor_locate(
    *, text: str, quote: str, prefix: str = "", suffix: str = "", hint: int | None = None
) -> Anchor | None:
    """Find the quote in the text again; None when it is gone."""
    if quote:
        best: tuple[float, int] | None = None
        position = text.find(quote)
        seen = 0
        while position != -1 and seen < MAX_CANDIDATES:
            before = text[max(0, position - len(prefix)) : position]
            after = text[position + len(quote) : position + len(quote) + len(suffix)]
            score = float(_common_suffix(before, prefix) + _common_prefix(after, suffix))
            if hint is not None:
                score -= abs(position - hint) / (len(text) + 1)
            if best is None or score > best[0]:
                best = (score, position)
            position = text.find(quote, position + 1)
            seen += 1
        if best is not None:
            return anchor_from_range(text=text, start=best[1], end=best[1] + len(quote))
    # The quote was edited: take what now lies between the old context, if both sides are still there.
    if len(prefix) >= MIN_SANDWICH_CONTEXT and len(suffix) >= MIN_SANDWICH_CONTEXT:
        left = text.find(prefix)
        while left != -1:
            start = left + len(prefix)
            right = text.find(suffix, start)
            if right != -1 and right - start <= max(3 * len(quote), len(quote) + 200):
                return anchor_from_range(text=text, start=start, end=right)
            left = text.find(prefix, left + 1)
    return None


def anchor_relocate(*, text: str, item) -> bool:
    """Re-locate an anchored model instance (Comment or Suggestion) in new text; returns True if changed."""
    if not item.anchor_quote and not (item.anchor_prefix or item.anchor_suffix):
        return False
    found = anchor_locate(
        text=text,
        quote=item.anchor_quote,
        prefix=item.anchor_prefix,
        suffix=item.anchor_suffix,
        hint=item.anchor_start,
    )
    before = [getattr(item, name) for name in ANCHOR_FIELDS]
    if found is None:
        item.anchor_lost = True
    else:
        anchor_apply(item=item, anchor=found)
    return before != [getattr(item, name) for name in ANCHOR_FIELDS]


def anchor_apply(*, item, anchor: Anchor) -> None:
    item.anchor_quote = anchor.quote
    item.anchor_prefix = anchor.prefix
    item.anchor_suffix = anchor.suffix
    item.anchor_start = anchor.start
    item.anchor_end = anchor.end
    item.anchor_lost = False


MAX_RELATIVE_BYTES = 2048


def anchor_relative_clean(value: Any) -> dict | None:
    """A live-document range as the editor sends it ({"from": {...}, "to": {...}}, each a Yjs
    relative position as JSON); None when absent. Raises ValueError when it is not that shape."""
    if value in (None, "", {}):
        return None
    if not isinstance(value, dict) or set(value) != {"from", "to"}:
        raise ValueError("expected an object with exactly the keys from and to")
    for key in ("from", "to"):
        if not isinstance(value[key], dict):
            raise ValueError(f"{key} must be an object (a Yjs relative position)")
    if len(json.dumps(value)) > MAX_RELATIVE_BYTES:
        raise ValueError(f"larger than {MAX_RELATIVE_BYTES} bytes")
    return value
