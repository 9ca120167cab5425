"""The dispatcher: claim due publications with SELECT ... FOR UPDATE SKIP LOCKED and a lease, deliver
each through its adapter, and record the outcome.

Exactly-once rules:
- A claim is a lease (claimed_until). A row whose lease ran out while `claimed` was never sent and is
  simply claimed again.
- On platforms that cannot deduplicate, the row is marked `sending` (committed) before the request.
  A row found `sending` with a lapsed lease means a worker died mid-request: it becomes `unconfirmed`
  for a person to check, never a blind repeat.
- Platforms that deduplicate by our key (webhook, Mastodon, our own site) skip the `sending` marker:
  a lost worker's row is re-sent with the same idempotency key.
- Outcome writes are conditional on the worker still holding the lease."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.queue import enqueue_on_commit
from apps.core.retry import backoff

from . import health, ratelimit
from .adapters import ADAPTERS, Adapter, AmbiguousError, PermanentError, RetryableError, SendResult, adapter_for
from .adapters.base import AuthorizationGone, http_url_or_empty
from .http import shared_http
from .models import AttemptOutcome, Channel, Publication, PublicationAttempt, PublicationState
from .posts_bridge import post_mark_published

log = logging.getLogger(__name__)

BACKOFF_BASE = 2.0
BACKOFF_CAP = 15 * 60.0


# Outcomes a person has to hear about, and the task that tells them (apps/publishing/alerts.py).
PROBLEMS = (AttemptOutcome.FAILED, AttemptOutcome.UNKNOWN)
REPORT_PROBLEMS = "publishing.report_problems"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (half fixed, half random), never shorter than Retry-After."""
    return backoff(attempt - 1, base=BACKOFF_BASE, cap=BACKOFF_CAP, retry_after=retry_after)


def due_pending_q(now) -> Q:
    """Pending rows that are due, except on channels holding their deliveries (paused or needing
    reconnecting): those wait, untouched, until the channel is resumed or reconnected."""
    return Q(
        state=PublicationState.PENDING,
        next_attempt_at__lte=now,
        channel__paused_at__isnull=True,
        channel__needs_reconnect=False,
    )


@dataclass
class Claimed:
    ids: list[int]
    unconfirmed: int = 0


def dispatch_claim(*, worker: str, limit: int = 50, lease_seconds: int | None = None) -> Claimed:
    """Claim up to `limit` due rows for this worker, each for `lease_seconds` (PUBLISHING_LEASE_SECONDS
    by default); resolve rows whose worker died."""
    lease_seconds = lease_seconds or settings.PUBLISHING_LEASE_SECONDS
    idempotent_platforms = [p for p, cls in ADAPTERS.items() if cls.idempotent]
    with transaction.atomic():
        now = timezone.now()
        rows = list(
            Publication.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                due_pending_q(now)
                | Q(state__in=[PublicationState.CLAIMED, PublicationState.SENDING], claimed_until__lt=now)
            )
            .order_by("next_attempt_at")
            .values_list("id", "state", "channel__platform", "attempts")[:limit]
        )
        if not rows:
            return Claimed(ids=[])
        lost = [r for r in rows if r[1] == PublicationState.SENDING and r[2] not in idempotent_platforms]
        claim_ids = [r[0] for r in rows if r not in lost]
        if lost:
            Publication.objects.filter(pk__in=[r[0] for r in lost]).update(
                state=PublicationState.UNCONFIRMED,
                claimed_until=None,
                last_error=_("A worker stopped while sending; the platform may or may not have it. Check and decide."),
                updated_at=now,
            )
            PublicationAttempt.objects.bulk_create(
                PublicationAttempt(
                    publication_id=r[0],
                    number=r[3],
                    started_at=now,
                    outcome=AttemptOutcome.UNKNOWN,
                    message=_("Worker lost during the send (lease expired)."),
                    worker=worker,
                )
                for r in lost
            )
            enqueue_on_commit(REPORT_PROBLEMS, publication_ids=[r[0] for r in lost])
        if claim_ids:
            Publication.objects.filter(pk__in=claim_ids).update(
                state=PublicationState.CLAIMED,
                claimed_by=worker,
                claimed_until=now + dt.timedelta(seconds=lease_seconds),
            )
    return Claimed(ids=claim_ids, unconfirmed=len(lost))


def _release(publication: Publication, *, worker: str, wait: float) -> None:
    Publication.objects.filter(pk=publication.pk, state=PublicationState.CLAIMED, claimed_by=worker).update(
        state=PublicationState.PENDING,
        claimed_until=None,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=max(wait, 0.05)),
    )


def _release_spaced(rows: list[Publication], *, worker: str, wait: float, interval: float) -> None:
    """Hand rows back, spaced one refill interval apart so they do not all return at the same instant."""
    if not rows:
        return
    now = timezone.now()
    for index, row in enumerate(rows):
        row.next_attempt_at = now + dt.timedelta(seconds=max(wait, 0.05) + index * interval)
        row.state = PublicationState.PENDING
        row.claimed_until = None
    with transaction.atomic():
        mine = set(
            Publication.objects.select_for_update()
            .filter(pk__in=[r.pk for r in rows], claimed_by=worker, state=PublicationState.CLAIMED)
            .values_list("pk", flat=True)
        )
        Publication.objects.bulk_update(
            [r for r in rows if r.pk in mine], ["state", "claimed_until", "next_attempt_at"], batch_size=500
        )


def _grant(channel: Channel, adapter, wanted: int) -> tuple[int, float]:
    """How many of `wanted` sends the channel may make now (circuit breaker, then the token buckets
    of the channel and, where the platform limits the whole account, of the account)."""
    allowed, wait = ratelimit.breaker_allows(channel_id=channel.pk)
    if not allowed:
        return 0, max(wait, 1.0)
    if wanted and ratelimit.breaker_state(channel_id=channel.pk) == "half-open":
        wanted = 1  # one probe
    key = f"channel:{channel.pk}"
    per_second = channel.rate_per_minute / 60.0
    granted, wait = ratelimit.bucket_take(key=key, per_second=per_second, burst=channel.rate_burst, count=wanted)
    account_rate = getattr(adapter, "account_rate_per_second", None)
    if account_rate and granted:
        account_granted, account_wait = ratelimit.bucket_take(
            key=adapter.account_key(), per_second=account_rate, burst=adapter.account_burst, count=granted
        )
        if account_granted < granted:
            # give back the channel tokens the account could not match
            ratelimit.bucket_take(
                key=key, per_second=per_second, burst=channel.rate_burst, count=account_granted - granted
            )
            granted, wait = account_granted, max(wait, account_wait)
    return granted, wait


@dataclass
class Outcome:
    publication: Publication
    outcome: str
    attempt: PublicationAttempt
    fields: dict
    held: bool = False  # the channel's authorization is gone: the row waits for a reconnect


@dataclass
class _Sent:
    """What one send gave: the attempt's outcome, the platform's status and message, the result of a
    send that went through, the wait a platform asked for, and whether the row waits for a reconnect."""

    outcome: str = AttemptOutcome.OK
    status: int | None = None
    message: str = ""
    result: SendResult | None = None
    retry_after: float | None = None
    held: bool = False


def _mark_sending(*, publication: Publication, worker: str, attempt_no: int) -> bool:
    """Committed before the request to a platform that cannot deduplicate: if this worker dies now,
    the row says "maybe sent". False when the row was taken from us."""
    return bool(
        Publication.objects.filter(pk=publication.pk, state=PublicationState.CLAIMED, claimed_by=worker).update(
            state=PublicationState.SENDING,
            attempts=attempt_no,
            claimed_until=timezone.now() + dt.timedelta(seconds=settings.PUBLISHING_LEASE_SECONDS),
        )
    )


def _send(*, publication: Publication, adapter: Adapter) -> _Sent:
    """The adapter's send, its errors sorted into outcomes."""
    unsure = AttemptOutcome.RETRY if adapter.idempotent else AttemptOutcome.UNKNOWN
    try:
        return _Sent(result=adapter.send(publication=publication, content=publication.content))
    except AuthorizationGone as exc:
        # Refused before anything was written: the row waits for the channel to be reconnected.
        return _Sent(AttemptOutcome.RETRY, exc.status, exc.message, held=True)
    except RetryableError as exc:
        return _Sent(AttemptOutcome.RETRY, exc.status, exc.message, retry_after=exc.retry_after)
    except AmbiguousError as exc:
        return _Sent(unsure, exc.status, exc.message)
    except PermanentError as exc:
        return _Sent(AttemptOutcome.FAILED, exc.status, exc.message)
    except Exception as exc:  # a bug or an unexpected answer: nobody knows whether it went out
        log.exception("publication %s: unexpected error", publication.pk)
        return _Sent(unsure, None, f"{exc.__class__.__name__}: {exc}")


def _row_fields(*, publication: Publication, sent: _Sent, attempt_no: int) -> dict:
    """The row's new fields for the outcome (and the channel's breaker told how the platform did)."""
    channel_id = publication.channel.pk
    now = timezone.now()
    fields: dict = {"attempts": attempt_no, "claimed_until": None, "result": publication.result, "updated_at": now}
    if sent.outcome == AttemptOutcome.OK:
        assert sent.result is not None  # OK only when adapter.send returned
        fields.update(
            state=PublicationState.PUBLISHED,
            platform_id=sent.result.platform_id[:500],
            platform_url=http_url_or_empty(sent.result.url),
            result={**publication.result, **sent.result.extra},
            published_at=now,
            last_error="",
        )
        ratelimit.breaker_success(channel_id=channel_id)
    elif sent.held:
        fields.update(
            state=PublicationState.PENDING,
            next_attempt_at=now,
            last_error=_("Waiting for the channel to be reconnected: %(m)s") % {"m": sent.message},
        )
    elif sent.outcome == AttemptOutcome.RETRY:
        delay = backoff_delay(attempt=attempt_no, retry_after=sent.retry_after)
        fields.update(
            state=PublicationState.PENDING, next_attempt_at=now + dt.timedelta(seconds=delay), last_error=sent.message
        )
        if sent.status is None or sent.status >= 500:
            ratelimit.breaker_failure(channel_id=channel_id)
    elif sent.outcome == AttemptOutcome.UNKNOWN:
        fields.update(state=PublicationState.UNCONFIRMED, last_error=sent.message)
    else:
        fields.update(state=PublicationState.FAILED, last_error=sent.message)
    return fields


def _send_one(*, publication: Publication, adapter: Adapter, worker: str) -> Outcome | None:
    """Send one claimed row; returns the outcome to write (None if the row was taken from us)."""
    attempt_no = publication.attempts + 1
    if not adapter.idempotent and not _mark_sending(publication=publication, worker=worker, attempt_no=attempt_no):
        return None
    started = timezone.now()
    t0 = time.monotonic()
    sent = _send(publication=publication, adapter=adapter)
    duration_ms = int((time.monotonic() - t0) * 1000)
    if sent.outcome == AttemptOutcome.RETRY and attempt_no >= publication.max_attempts and not sent.held:
        sent.outcome = AttemptOutcome.FAILED
        sent.message = _("Gave up after %(n)s attempts: %(m)s") % {"n": attempt_no, "m": sent.message}
    fields = _row_fields(publication=publication, sent=sent, attempt_no=attempt_no)
    attempt = PublicationAttempt(
        publication_id=publication.pk,
        number=attempt_no,
        started_at=started,
        duration_ms=duration_ms,
        outcome=sent.outcome,
        status_code=sent.status,
        message=sent.message[:4000],
        worker=worker,
    )
    return Outcome(publication=publication, outcome=sent.outcome, attempt=attempt, fields=fields, held=sent.held)


def _write_outcomes(outcomes: list[Outcome], *, worker: str) -> None:
    """Record outcomes in one transaction, only for rows this worker still holds."""
    if not outcomes:
        return
    with transaction.atomic():
        mine = set(
            Publication.objects.select_for_update()
            .filter(
                pk__in=[o.publication.pk for o in outcomes],
                claimed_by=worker,
                state__in=[PublicationState.CLAIMED, PublicationState.SENDING],
            )
            .values_list("pk", flat=True)
        )
        by_fields: dict[tuple, list[Publication]] = {}
        for o in outcomes:
            if o.publication.pk not in mine:
                log.warning("publication %s: lease lost before the outcome was written", o.publication.pk)
                continue
            for name, value in o.fields.items():
                setattr(o.publication, name, value)
            by_fields.setdefault(tuple(sorted(o.fields)), []).append(o.publication)
        for names, rows in by_fields.items():
            Publication.objects.bulk_update(rows, list(names), batch_size=500)
        PublicationAttempt.objects.bulk_create([o.attempt for o in outcomes if o.publication.pk in mine])
        reset: set[int] = set()  # channels whose count was just reset: one query per run of successes
        for o in outcomes:
            if o.publication.pk not in mine:
                continue
            ok = o.outcome == AttemptOutcome.OK
            if ok and o.publication.channel_id in reset:
                continue
            if ok:
                reset.add(o.publication.channel_id)
            else:
                reset.discard(o.publication.channel_id)
            health.channel_note_delivery(
                channel_id=o.publication.channel_id,
                outcome=o.outcome,
                status=o.attempt.status_code,
                message=o.attempt.message,
                reconnect=o.held,
            )
        problems = [o.publication.pk for o in outcomes if o.publication.pk in mine and o.outcome in PROBLEMS]
        if problems:
            # Failed or unconfirmed: the people who can act are told (apps/publishing/alerts.py).
            enqueue_on_commit(REPORT_PROBLEMS, publication_ids=problems)
        published_posts = sorted({o.publication.post_id for o in outcomes if o.outcome == AttemptOutcome.OK})
        if published_posts:
            # Off the delivery path: the post's own state follows a moment later.
            enqueue_on_commit("publishing.posts_check_published", post_ids=published_posts)


class DeliveryResult(StrEnum):
    """What one delivery pass did with a claimed row (an attempt's outcome, or why none was made)."""

    OK = AttemptOutcome.OK.value
    RETRY = AttemptOutcome.RETRY.value
    FAILED = AttemptOutcome.FAILED.value
    UNKNOWN = AttemptOutcome.UNKNOWN.value
    SKIPPED = AttemptOutcome.SKIPPED.value
    DELETED = AttemptOutcome.DELETED.value
    RELEASED = "released"  # nothing was done: the row is free again
    HELD = "held"  # the channel is paused or needs reconnecting: the row waits, untouched
    EMBARGOED = "embargoed"  # not before its embargo time: released until then
    POSTPONED = "postponed"  # over the channel's rate: released, spaced out
    LOST = "lost"  # another worker took the row over meanwhile


NOT_HANDLED = (DeliveryResult.POSTPONED, DeliveryResult.EMBARGOED, DeliveryResult.HELD)


def publication_deliver(*, publication: Publication, worker: str, adapters: dict) -> DeliveryResult:
    """Deliver one claimed row (the batch path does the same for many rows of a channel)."""
    return _deliver_channel_rows([publication], worker=worker, adapters=adapters).get(
        publication.pk, DeliveryResult.RELEASED
    )


def _deliver_channel_rows(rows: list[Publication], *, worker: str, adapters: dict) -> dict[int, DeliveryResult]:
    """Deliver claimed rows of one channel: inactive channel, embargo, breaker and buckets first."""
    channel: Channel = rows[0].channel
    results: dict[int, DeliveryResult] = {}
    if not channel.is_active:
        Publication.objects.filter(pk__in=[r.pk for r in rows], claimed_by=worker).update(
            state=PublicationState.FAILED, claimed_until=None, last_error=_("The channel is disabled.")
        )
        enqueue_on_commit(REPORT_PROBLEMS, publication_ids=[r.pk for r in rows])
        return {r.pk: DeliveryResult.FAILED for r in rows}
    if channel.holds_deliveries:
        _release_held(rows, worker=worker)
        return {r.pk: DeliveryResult.HELD for r in rows}
    now = timezone.now()
    ready = []
    for row in rows:
        if row.not_before and row.not_before > now:
            _release(row, worker=worker, wait=(row.not_before - now).total_seconds())
            results[row.pk] = DeliveryResult.EMBARGOED
        else:
            ready.append(row)
    if not ready:
        return results
    adapter = adapters.get(channel.pk)
    if adapter is None:
        adapter = adapters[channel.pk] = adapter_for(channel, http=shared_http())
    granted, wait = _grant(channel, adapter, len(ready))
    go, back = ready[:granted], ready[granted:]
    _release_spaced(back, worker=worker, wait=wait, interval=60.0 / max(1, channel.rate_per_minute))
    results.update({r.pk: DeliveryResult.POSTPONED for r in back})
    deferred: list[Outcome] = []
    for index, row in enumerate(go):
        outcome = _send_one(publication=row, adapter=adapter, worker=worker)
        if outcome is None:
            results[row.pk] = DeliveryResult.LOST
            continue
        results[row.pk] = DeliveryResult(outcome.outcome)
        if adapter.idempotent and outcome.outcome == AttemptOutcome.OK:
            # A crash before this is written only means a repeat with the same key: write in bulk.
            deferred.append(outcome)
            continue
        _write_outcomes([*deferred, outcome], worker=worker)
        deferred = []
        if outcome.outcome != AttemptOutcome.OK and _channel_now_held(channel):
            # That failure paused the channel (or its authorization is gone): the rest wait.
            rest = go[index + 1 :]
            _release_held(rest, worker=worker)
            results.update({r.pk: DeliveryResult.HELD for r in rest})
            break
    _write_outcomes(deferred, worker=worker)
    return results


def _channel_now_held(channel: Channel) -> bool:
    fresh = Channel.objects.filter(pk=channel.pk).values("paused_at", "needs_reconnect").first()
    channel.paused_at = fresh["paused_at"] if fresh else None
    channel.needs_reconnect = bool(fresh["needs_reconnect"]) if fresh else False
    return channel.holds_deliveries


def _release_held(rows: list[Publication], *, worker: str) -> None:
    """Hand rows of a held channel back as pending, due as they were (no attempt is counted)."""
    if rows:
        Publication.objects.filter(
            pk__in=[r.pk for r in rows], state=PublicationState.CLAIMED, claimed_by=worker
        ).update(state=PublicationState.PENDING, claimed_until=None)


def post_check_all_published(*, post_id: int) -> None:
    states = set(Publication.objects.filter(post_id=post_id).values_list("state", flat=True))
    if PublicationState.PUBLISHED in states and states <= {
        PublicationState.PUBLISHED,
        PublicationState.CANCELLED,
        PublicationState.UNPUBLISHED,
    }:
        post_mark_published(post_id=post_id)


def dispatch_batch(*, worker: str, limit: int = 50, adapters: dict | None = None) -> int:
    """Claim one batch and deliver it, channel by channel. Returns how many rows were handled."""
    claimed = dispatch_claim(worker=worker, limit=limit)
    if not claimed.ids:
        return claimed.unconfirmed
    adapters = adapters if adapters is not None else {}
    by_channel: dict[int, list[Publication]] = {}
    for publication in (
        Publication.objects.filter(pk__in=claimed.ids, claimed_by=worker, state=PublicationState.CLAIMED)
        .select_related("channel")
        .order_by("next_attempt_at", "id")
    ):
        by_channel.setdefault(publication.channel_id, []).append(publication)
    handled = claimed.unconfirmed
    for rows in by_channel.values():
        results = _deliver_channel_rows(rows, worker=worker, adapters=adapters)
        # Rows handed back for rate limits or an embargo do not count: an idle loop may sleep.
        handled += sum(1 for outcome in results.values() if outcome not in NOT_HANDLED)
    return handled


def dispatch_run(
    *, worker: str | None = None, budget_seconds: float = 8.0, limit: int = 50, idle_exit: bool = True
) -> int:
    """Deliver due rows until none are left (or the time budget is spent). Returns rows handled."""
    worker = worker or worker_name()
    deadline = time.monotonic() + budget_seconds
    adapters: dict = {}
    total = 0
    while time.monotonic() < deadline:
        handled = dispatch_batch(worker=worker, limit=limit, adapters=adapters)
        total += handled
        if not handled:
            # Rows held back by a rate limit come due again within seconds: keep going for them.
            soon = timezone.now() + dt.timedelta(seconds=2)
            if idle_exit and not Publication.objects.filter(due_pending_q(soon)).exists():
                break
            time.sleep(0.2)
    return total
