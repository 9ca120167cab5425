"""Publishing under faults: N publications (default 10,000) due within one minute, 20% of the target's
answers 500 or 429, and a dispatcher process SIGKILLed every 10 s (a fresh one started at once).
90% go to a signed webhook (Idempotency-Key: a lost answer is safely re-sent), 10% to a Discord
webhook (no idempotency: a send cut off by the kill must end `unconfirmed`, never be repeated).

    .venv/bin/python -m benchmarks.bench_publishing_faults [--n 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import sys
import time

from ._common import ROOT, percentile, record
from .bench_publishing import (
    make_channel,
    make_publications,
    reset_world,
    setup,
    start_worker,
    stop_workers,
)

LEASE = "10"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--kill-every", type=float, default=10.0)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    args = parser.parse_args()
    setup()
    sys.path.insert(0, str(ROOT))
    from apps.publishing.models import Publication, PublicationAttempt, PublicationState
    from tests.publishing.fakes import FakePlatforms

    fake = FakePlatforms(random_fault_rate=args.fault_rate).start()
    workspace, user = reset_world(slug="bench-publishing-faults")
    hook = make_channel(
        workspace=workspace,
        user=user,
        name="Faulty webhook",
        platform="webhook",
        config={"url": f"{fake.url}/hook"},
        secrets={"secret": fake.webhook_secret},
        rate=1_000_000,
        burst=10_000,
    )
    discord = make_channel(
        workspace=workspace,
        user=user,
        name="Faulty Discord",
        platform="discord",
        config={},
        secrets={"webhook_url": f"{fake.url}/api/webhooks/42/hooktoken"},
        rate=1_000_000,
        burst=10_000,
    )
    env = {"PUBLISHING_LEASE_SECONDS": LEASE}
    workers = [start_worker(**env), start_worker(**env)]  # running before the rows exist, as in production
    start = time.time() + 30  # the rows must exist before they fall due
    plan = []
    for i in range(args.n):
        channel = discord if i % 10 == 0 else hook
        plan.append(
            (channel, dt.datetime.fromtimestamp(start + args.window * i / args.n, tz=dt.UTC), f"Item [pub:{i}].")
        )
    ids = make_publications(workspace=workspace, user=user, plan=plan)
    rows = list(
        Publication.objects.filter(pk__in=ids).values_list("pk", "idempotency_key", "due_at", "channel_id", "content")
    )
    marker_of = {pk: content["parts"][0].split("[pub:")[1].split("]")[0] for pk, _k, _d, _c, content in rows}

    open_states = [PublicationState.PENDING, PublicationState.CLAIMED, PublicationState.SENDING]
    kills = 0
    t_begin = time.monotonic()
    next_kill = time.monotonic() + args.kill_every
    deadline = time.monotonic() + args.window + 600
    try:
        while time.monotonic() < deadline:
            time.sleep(0.5)
            if time.monotonic() >= next_kill:
                victim = workers.pop(kills % 2 if len(workers) > 1 else 0)
                victim.send_signal(signal.SIGKILL)
                victim.wait()
                kills += 1
                workers.insert(0, start_worker(**env))
                next_kill += args.kill_every
            if (
                time.time() > start + args.window
                and not Publication.objects.filter(pk__in=ids, state__in=open_states).exists()
            ):
                break
    finally:
        stop_workers(workers)
    elapsed = time.monotonic() - t_begin

    states = {
        s: Publication.objects.filter(pk__in=ids, state=s).count()
        for s in ["published", "unconfirmed", "failed", "pending", "claimed", "sending"]
    }
    lost = states["pending"] + states["claimed"] + states["sending"]
    by_pk = {pk: (str(k), d.timestamp(), c) for pk, k, d, c, _content in rows}
    final = dict(Publication.objects.filter(pk__in=ids).values_list("pk", "state"))
    hook_pks = [pk for pk, (_k, _d, c) in by_pk.items() if c == hook.pk]
    disc_pks = [pk for pk, (_k, _d, c) in by_pk.items() if c == discord.pk]
    keys_applied_twice = sum(1 for v in fake.webhook_keys.values() if v > 1)
    key_repeats = sum(v - 1 for v in fake.webhook_requests.values() if v > 1)
    hook_published_not_received = sum(
        1 for pk in hook_pks if final[pk] == "published" and by_pk[pk][0] not in fake.webhook_keys
    )
    disc_twice = sum(1 for pk in disc_pks if fake.discord_markers[marker_of[pk]] > 1)
    disc_published_bad = sum(
        1 for pk in disc_pks if final[pk] == "published" and fake.discord_markers[marker_of[pk]] != 1
    )
    disc_arrived_not_published = [
        pk for pk in disc_pks if fake.discord_markers[marker_of[pk]] == 1 and final[pk] != "published"
    ]
    ambiguous_not_unconfirmed = sum(1 for pk in disc_arrived_not_published if final[pk] != "unconfirmed")
    unconfirmed = [pk for pk in disc_pks if final[pk] == "unconfirmed"]
    unconfirmed_arrived = sum(1 for pk in unconfirmed if fake.discord_markers[marker_of[pk]] == 1)
    hook_unconfirmed = sum(1 for pk in hook_pks if final[pk] == "unconfirmed")
    late = [
        fake.webhook_first_seen[k] - d for pk in hook_pks for (k, d, _c) in [by_pk[pk]] if k in fake.webhook_first_seen
    ]
    retries = PublicationAttempt.objects.filter(publication_id__in=ids, outcome="retry").count()
    ok = (
        lost == 0
        and keys_applied_twice == 0
        and disc_twice == 0
        and disc_published_bad == 0
        and ambiguous_not_unconfirmed == 0
        and hook_published_not_received == 0
        and hook_unconfirmed == 0
    )
    body = f"""
{args.n} publications due within {args.window:.0f} s ({len(hook_pks)} signed webhook, {len(disc_pks)} Discord), 2 dispatcher
processes with one SIGKILLed every {args.kill_every:.0f} s and replaced ({kills} kills in {elapsed:.0f} s), lease
{LEASE} s, target answering {args.fault_rate:.0%} of requests with 500 or 429 (Retry-After: 1) at random
({fake.random_faults} injected).

| check | value | goal |
| --- | --- | --- |
| final states | {", ".join(f"{k} {v}" for k, v in states.items())} | |
| lost (still pending/claimed/sending at the end) | {lost} | 0 |
| webhook keys applied twice by the target | {keys_applied_twice} | 0 |
| webhook re-sends of an already received key (answered from the target's idempotency record) | {key_repeats} | any |
| webhook rows `published` whose key never arrived | {hook_published_not_received} | 0 |
| Discord messages delivered twice | {disc_twice} | 0 |
| Discord rows `published` without exactly one delivery | {disc_published_bad} | 0 |
| Discord sends that arrived but were not confirmed, and are not `unconfirmed` | {ambiguous_not_unconfirmed} | 0 |
| Discord rows `unconfirmed` (cut off by a kill) | {len(unconfirmed)} ({unconfirmed_arrived} had arrived, {len(unconfirmed) - unconfirmed_arrived} had not) | for a person |
| retry attempts logged (500/429) | {retries} | |
| webhook lateness p50 / p99 / max | {percentile(late, 50):.2f} s / {percentile(late, 99):.2f} s / {max(late) if late else float("nan"):.2f} s | |

Result: {"PASS" if ok else "FAIL"}.
"""
    fake.stop()
    record(
        "publishing_faults",
        f".venv/bin/python -m benchmarks.bench_publishing_faults --n {args.n} --fault-rate {args.fault_rate}",
        body,
    )


if __name__ == "__main__":
    main()
