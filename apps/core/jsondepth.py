"""How deeply a JSON text nests, found without recursion and before it is parsed."""

from __future__ import annotations

import re

from django.conf import settings

# A JSON string literal (escapes included): brackets inside strings do not nest.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")


def json_too_deep(text: str, limit: int | None = None) -> bool:
    """True when arrays/objects in `text` nest more than `limit` levels (settings.API_JSON_MAX_DEPTH)."""
    limit = settings.API_JSON_MAX_DEPTH if limit is None else limit
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _BRACKETS.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
