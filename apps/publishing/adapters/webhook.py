"""A signed webhook: JSON body, HMAC-SHA256 signature over timestamp + body, Idempotency-Key header."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx
from django.utils import timezone
from django.utils.translation import gettext as _

from ..formatting import Rendered
from .base import Adapter, PostContent, SendResult

if TYPE_CHECKING:
    from ..models import Publication


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookAdapter(Adapter):
    platform = "webhook"
    label = "Webhook"
    idempotent = True
    can_delete = True
    default_rate = (600, 50)
    config_fields = ("url",)
    secret_fields = ("secret",)

    def render(self, *, content: PostContent, override: str = "") -> Rendered:
        rendered = super().render(content=content, override=override)
        return rendered

    def _post(self, payload: dict[str, Any], key: str) -> httpx.Response:
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
        timestamp = str(int(time.time()))
        signature = webhook_signature(secret=self.credentials.get("secret", ""), timestamp=timestamp, body=body)
        return self.request(
            "POST",
            self.config["url"],
            content=body,
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                "X-Trendoscope-Timestamp": timestamp,
                "X-Trendoscope-Signature": f"sha256={signature}",
                "X-Trendoscope-Event": payload["event"],
            },
        )

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        payload = {
            "event": "publication.published",
            "idempotency_key": str(publication.idempotency_key),
            "publication_id": publication.pk,
            "post_id": publication.post_id,
            "title": content.get("title", ""),
            "text": "\n\n".join(content.get("parts", [])),
            "html": content.get("html", ""),
            "link": content.get("link", ""),
            "tags": content.get("tags", []),
            "media": content.get("media", []),
        }
        response = self._post(payload, str(publication.idempotency_key))
        try:
            data = response.json()
        except ValueError:
            data = {}
        remote_id = str(data.get("id") or publication.idempotency_key) if isinstance(data, dict) else ""
        url = data.get("url", "") if isinstance(data, dict) else ""
        return SendResult(platform_id=remote_id, url=url or "")

    def check(self) -> str:
        """A signed ping (X-Trendoscope-Event: ping, a fresh Idempotency-Key): the receiver can tell it
        apart from a publication and verify the signature the same way."""
        response = self._post(
            {"event": "ping", "channel": self.channel.name, "sent_at": timezone.now().isoformat()},
            f"ping-{uuid.uuid4()}",
        )
        return _("the receiver answered HTTP %(status)s to a signed ping") % {"status": response.status_code}

    def delete(self, *, publication: Publication) -> None:
        self._post(
            {"event": "publication.deleted", "publication_id": publication.pk, "platform_id": publication.platform_id},
            f"{publication.idempotency_key}:delete",
        )
