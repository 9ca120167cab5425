"""apps.core.retry: the one backoff every retry loop uses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apps.core.retry import backoff


@given(
    step=st.integers(min_value=0, max_value=60),
    base=st.floats(min_value=0.5, max_value=120),
    cap=st.floats(min_value=1, max_value=86400),
    retry_after=st.none() | st.floats(min_value=0, max_value=10**6),
)
def test_the_delay_is_in_the_upper_half_of_its_window_and_honours_retry_after(step, base, cap, retry_after):
    window = min(cap, base * 2**step)
    delay = backoff(step, base=base, cap=cap, retry_after=retry_after)
    assert window / 2 <= delay or (retry_after and delay >= retry_after)
    assert delay <= max(window, retry_after or 0)
    if retry_after:
        assert delay >= retry_after


def test_retry_after_is_capped_when_asked():
    assert backoff(0, base=1, cap=10, retry_after=10**6, retry_after_cap=3600) == 3600


def test_it_grows_then_stops_growing():
    firsts = [backoff(n, base=2, cap=60) for n in range(12)]
    assert firsts[0] <= 2 and max(firsts) <= 60 and firsts[5] >= 30
