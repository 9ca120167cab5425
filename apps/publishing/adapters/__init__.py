"""One adapter per platform; `adapter_for(channel)` builds the right one with decrypted credentials."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from ..crypto import credentials_decrypt
from .base import (
    Adapter,
    AmbiguousError,
    DeliveryError,
    Metrics,
    PermanentError,
    PostContent,
    RetryableError,
    SendResult,
)
from .bluesky import BlueskyAdapter
from .discord import DiscordAdapter
from .linkedin import LinkedInAdapter
from .mastodon import MastodonAdapter
from .newsletter import NewsletterAdapter
from .site import SiteAdapter
from .telegram import TelegramAdapter
from .webhook import WebhookAdapter
from .wordpress import WordPressAdapter
from .x import XAdapter

if TYPE_CHECKING:
    from ..models import Channel

ADAPTERS: dict[str, type[Adapter]] = {
    cls.platform: cls
    for cls in (
        SiteAdapter,
        WebhookAdapter,
        WordPressAdapter,
        MastodonAdapter,
        TelegramAdapter,
        DiscordAdapter,
        BlueskyAdapter,
        XAdapter,
        LinkedInAdapter,
        NewsletterAdapter,
    )
}


def adapter_class(platform: str) -> type[Adapter]:
    return ADAPTERS[platform]


def adapter_for(channel: Channel, *, http: httpx.Client | None = None) -> Adapter:
    return ADAPTERS[channel.platform](
        channel=channel, credentials=credentials_decrypt(token=channel.credentials_encrypted), http=http
    )


__all__ = [
    "ADAPTERS",
    "Adapter",
    "AmbiguousError",
    "DeliveryError",
    "Metrics",
    "PermanentError",
    "PostContent",
    "RetryableError",
    "SendResult",
    "adapter_class",
    "adapter_for",
]
