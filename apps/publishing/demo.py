"""Demo data: the team's site as a channel, a (disabled) webhook pointing nowhere, a few subscribers."""

from __future__ import annotations

from .crypto import credentials_encrypt
from .models import Channel, Platform, Subscriber


def seed(*, workspace, users) -> None:
    Channel.objects.update_or_create(
        workspace=workspace,
        name="Our site",
        defaults={
            "platform": Platform.SITE,
            "config": {},
            "is_active": True,
            "rate_per_minute": 600,
            "rate_burst": 100,
        },
    )
    webhook, created = Channel.objects.update_or_create(
        workspace=workspace,
        name="Partner webhook (example)",
        defaults={
            "platform": Platform.WEBHOOK,
            "config": {"url": "https://partner.example.invalid/hooks/trendoscope"},
            "is_active": False,
            "rate_per_minute": 600,
            "rate_burst": 50,
        },
    )
    if created or not webhook.credentials_encrypted:
        webhook.credentials_encrypted = credentials_encrypt(secrets={"secret": "demo-shared-secret"})
        webhook.save(update_fields=["credentials_encrypted"])
    for email in ("reader@example.com", "editor-in-chief@example.com"):
        Subscriber.objects.update_or_create(workspace=workspace, email=email, defaults={"name": email.split("@")[0]})
