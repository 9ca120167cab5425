"""Telegram limits: M messages (issue: 1,000; default here 300 to stay within a few minutes) to 10
channels of one bot, drained by 2 dispatcher processes against a target that enforces Telegram's limits
(20 messages per minute per chat, 30 per second per bot) and answers 429 beyond them.

Baseline in the same run: the same messages sent naively (as fast as possible, no limiter) to a fresh
target with the same limits, counting its 429s.

    .venv/bin/python -m benchmarks.bench_publishing_telegram [--messages 1000]
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import time

from ._common import ROOT, record
from .bench_publishing import make_channel, make_publications, reset_world, setup, start_workers, stop_workers, wait_for

CHANNELS = 10


def _max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT))
    import httpx

    from apps.publishing.models import Publication, PublicationState
    from tests.publishing.fakes import FakePlatforms

    fake = FakePlatforms(telegram_limits=(20, 60.0), telegram_global_per_second=30).start()
    workspace, user = reset_world(slug="bench-publishing-telegram")
    channels = [
        make_channel(
            workspace=workspace,
            user=user,
            name=f"Telegram {i}",
            platform="telegram",
            config={"chat_id": f"@chan{i}", "base_url": fake.url},
            secrets={"bot_token": "123:good"},
            rate=19,  # the adapter's defaults: 19/min with a burst of 1 per chat
            burst=1,
        )
        for i in range(CHANNELS)
    ]
    now = dt.datetime.now(dt.UTC)
    ids = make_publications(
        workspace=workspace,
        user=user,
        plan=[(channels[i % CHANNELS], now, f"Telegram message {i}") for i in range(args.messages)],
    )
    t0 = time.monotonic()
    workers = start_workers(2)
    per_chat = args.messages / CHANNELS
    try:
        wait_for(
            lambda: Publication.objects.filter(pk__in=ids, state=PublicationState.PUBLISHED).count() >= args.messages,
            timeout=per_chat * 60 / 19 + 240,
            interval=1.0,
        )
    finally:
        stop_workers(workers)
    drain = time.monotonic() - t0
    published = Publication.objects.filter(pk__in=ids, state=PublicationState.PUBLISHED).count()
    by_chat: dict[str, list[float]] = collections.defaultdict(list)
    for m in fake.tg_messages:
        by_chat[m["chat"]].append(m["t"])
    worst_chat_minute = max((_max_in_window(ts, 60.0) for ts in by_chat.values()), default=0)
    worst_second = _max_in_window([m["t"] for m in fake.tg_messages], 1.0)
    fake.stop()

    # baseline: no limiter
    naive = FakePlatforms(telegram_limits=(20, 60.0), telegram_global_per_second=30).start()
    client = httpx.Client()
    t1 = time.monotonic()
    for i in range(args.messages):
        client.post(f"{naive.url}/bot123:good/sendMessage", json={"chat_id": f"@chan{i % CHANNELS}", "text": f"m{i}"})
    naive_s = time.monotonic() - t1
    naive_429 = naive.tg_429
    naive.stop()

    ok = naive_429 >= 0 and fake.tg_429 == 0 and published == args.messages
    body = f"""
{args.messages} messages to {CHANNELS} Telegram channels of one bot, 2 dispatcher processes; target enforces 20/min per
chat and 30/s per bot. Per-channel token bucket 19/min with burst 1 (so no 60-s window can hold more
than 20) and a per-bot bucket of 25/s with burst 5 (≤ 30 in any second), both in Redis.

| figure | value | goal |
| --- | --- | --- |
| published | {published} / {args.messages} | all |
| 429 answers from the target | **{fake.tg_429}** | 0 |
| most messages to one chat in any 60 s | {worst_chat_minute} | ≤ 20 |
| most messages in any 1 s | {worst_second} | ≤ 30 |
| drain time | {drain:.0f} s (floor: {per_chat:.0f} per chat at 19/min ≈ {(per_chat - 1) * 60 / 19:.0f} s) | |

Baseline (same messages, no limiter, one process): {naive_429} of {args.messages} answered 429 in {naive_s:.1f} s.

Result: {"PASS" if ok else "FAIL"}.
"""
    record(
        "publishing_telegram",
        f".venv/bin/python -m benchmarks.bench_publishing_telegram --messages {args.messages}",
        body,
    )


if __name__ == "__main__":
    main()
