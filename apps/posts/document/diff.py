"""A readable word-by-word diff between two texts, rendered with <ins> and <del>."""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


@dataclass(frozen=True)
class Diff:
    html: str
    inserted_words: int
    deleted_words: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted_words or self.deleted_words)


def _words(tokens: list[str]) -> int:
    return sum(1 for token in tokens if not token.isspace())


def _escape(tokens: list[str]) -> str:
    return html.escape("".join(tokens)).replace("\n", "<br>")


def diff_texts(old: str, new: str) -> Diff:
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[str] = []
    inserted = deleted = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(_escape(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            parts.append(f"<del>{_escape(a[i1:i2])}</del>")
            deleted += _words(a[i1:i2])
        if op in ("insert", "replace"):
            parts.append(f"<ins>{_escape(b[j1:j2])}</ins>")
            inserted += _words(b[j1:j2])
    return Diff(html="".join(parts), inserted_words=inserted, deleted_words=deleted)
