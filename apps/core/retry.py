"""One backoff for every retry loop (feed fetches, platform deliveries, AI calls): exponential, with
jitter, never shorter than what the server asked for."""

from __future__ import annotations

import random


def backoff(
    step: int, *, base: float, cap: float, retry_after: float | None = None, retry_after_cap: float | None = None
) -> float:
    """Seconds to wait before retry number `step` (0 for the first): a random delay in the upper half of
    the window base * 2**step (capped at `cap`), so that retries spread out but none comes back at once;
    at least Retry-After (itself capped at `retry_after_cap` when given)."""
    window = min(cap, base * 2 ** max(0, step))
    delay = random.uniform(window / 2, window)
    if retry_after:
        delay = max(delay, min(retry_after, retry_after_cap) if retry_after_cap is not None else retry_after)
    return delay
