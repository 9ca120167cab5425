"""A channel's health, kept from what actually happened: every delivery attempt and every connection
test. Failures in a row are counted; at settings.PUBLISHING_PAUSE_AFTER_FAILURES the channel pauses
with its reason (its publications wait), and a refused authorization marks it "needs reconnecting"."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AttemptOutcome, Channel
from .oauth import mark_needs_reconnect


def channel_note_delivery(
    *, channel_id: int, outcome: str, status: int | None = None, message: str = "", reconnect: bool = False
) -> None:
    """Record one attempt's outcome on its channel (called inside the outcome's transaction)."""
    now = timezone.now()
    if outcome == AttemptOutcome.OK:
        Channel.objects.filter(pk=channel_id).exclude(consecutive_failures=0, last_error="").update(
            consecutive_failures=0, last_error="", updated_at=now
        )
        return
    if reconnect:
        mark_needs_reconnect(channel_id=channel_id, reason=message)
        return
    if status == 429:
        return  # the platform asked us to slow down: not a fault of the channel
    Channel.objects.filter(pk=channel_id).update(
        consecutive_failures=F("consecutive_failures") + 1,
        last_error=message[:2000],
        last_error_at=now,
        updated_at=now,
    )
    limit = settings.PUBLISHING_PAUSE_AFTER_FAILURES
    if limit:
        Channel.objects.filter(pk=channel_id, paused_at__isnull=True, consecutive_failures__gte=limit).update(
            paused_at=now,
            paused_reason=_("Paused after %(n)s failed deliveries in a row. Last error: %(error)s")
            % {"n": limit, "error": message[:1500]},
        )


def channel_note_check(*, channel_id: int, ok: bool, message: str = "", reconnect: bool = False) -> None:
    """Record a connection test: a passing one clears the last error (and a stale reconnect flag)."""
    now = timezone.now()
    if ok:
        Channel.objects.filter(pk=channel_id).update(
            last_checked_at=now, last_check_ok=True, last_error="", needs_reconnect=False, updated_at=now
        )
        return
    Channel.objects.filter(pk=channel_id).update(
        last_checked_at=now, last_check_ok=False, last_error=message[:2000], last_error_at=now, updated_at=now
    )
    if reconnect:
        mark_needs_reconnect(channel_id=channel_id, reason=message)


def channel_clear_hold(*, channel: Channel) -> None:
    """Resume a paused channel: its waiting publications go out on the next tick."""
    now = timezone.now()
    channel.paused_at, channel.paused_reason, channel.consecutive_failures = None, "", 0
    Channel.objects.filter(pk=channel.pk).update(
        paused_at=None, paused_reason="", consecutive_failures=0, updated_at=now
    )


def channel_mark_connected(*, channel: Channel) -> None:
    """After a successful connect: healthy, not paused, publications free to go."""
    now = timezone.now()
    fields = {
        "needs_reconnect": False,
        "paused_at": None,
        "paused_reason": "",
        "consecutive_failures": 0,
        "last_error": "",
        "last_checked_at": now,
        "last_check_ok": True,
    }
    for name, value in fields.items():
        setattr(channel, name, value)
    Channel.objects.filter(pk=channel.pk).update(updated_at=now, **fields)
