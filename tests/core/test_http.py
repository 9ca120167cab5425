"""apps.core.http: the one Retry-After reader every outbound client uses."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from apps.core.http import parse_retry_after

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),  # some platforms send fractions
        (format_datetime(datetime(2026, 12, 1, 12, 1, 30, tzinfo=UTC), usegmt=True), 90.0),
        (format_datetime(datetime(2026, 12, 1, 11, 0, tzinfo=UTC), usegmt=True), 0.0),  # in the past: now
        ("", None),
        (None, None),
        ("soon", None),
        ("-3", None),
        ("１２", None),  # full-width digits are not delta-seconds
        ("Mon, 99 Foo 2026 25:61:00 GMT", None),
    ],
)
def test_retry_after(value, seconds):
    assert parse_retry_after(value, now=NOW) == seconds
