"""System check: channel tokens that expire within 7 days (or already have)."""

from __future__ import annotations

import datetime as dt

from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError
from django.utils import timezone

from .models import Channel
from .selectors import EXPIRY_WARNING_DAYS


def check_expiring_credentials(app_configs=None, **kwargs):
    try:
        expiring = list(
            Channel.objects.filter(
                is_active=True,
                credentials_expire_at__lte=timezone.now() + dt.timedelta(days=EXPIRY_WARNING_DAYS),
            ).values_list("pk", "name", "credentials_expire_at")[:50]
        )
    except DatabaseError:
        return []  # no tables yet (before migrate)
    return [
        CheckWarning(
            f"The token of channel {name!r} expires on {when:%Y-%m-%d %H:%M} UTC.",
            hint="Renew it on the channel's settings page before publishing stops.",
            obj=f"publishing.Channel({pk})",
            id="publishing.W001",
        )
        for pk, name, when in expiring
    ]
