"""Whole numbers from query strings, form fields and URL parts: ASCII digits in range, or None.

`"²".isdigit()` is True and `int("²")` raises; `int("9" * 30)` is out of every database column's range.
"""

from __future__ import annotations

import re

# A PostgreSQL bigint; ids (BigAutoField) and offsets fit.
MAX_INT = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def safe_int(value, default: int | None = None, *, minimum: int | None = None, maximum: int = MAX_INT):
    """`value` as an int when it is ASCII digits (optionally with a leading '-') within [minimum, maximum];
    `default` otherwise. Never raises."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        negative = text.startswith("-")
        digits = text[1:] if negative else text
        if not _DIGITS.fullmatch(digits):
            return default
        number = -int(digits) if negative else int(digits)
    if number > maximum or number < -MAX_INT or (minimum is not None and number < minimum):
        return default
    return number


def safe_id(value) -> int | None:
    """A positive primary key, or None."""
    return safe_int(value, minimum=1)


def clamp_int(value, default: int, *, minimum: int, maximum: int) -> int:
    """`value` as an int clamped into [minimum, maximum]; `default` when it is not a number."""
    number = safe_int(value)
    if number is None:
        return default
    return max(minimum, min(maximum, number))
