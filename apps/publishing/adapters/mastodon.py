"""Mastodon: statuses with Idempotency-Key (so an unknown outcome can be repeated safely), the
character limit read from /api/v2/instance, threads as replies."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils.translation import gettext as _

from ..formatting import mastodon_length
from .base import Adapter, Metrics, RetryableError, SendResult

if TYPE_CHECKING:
    from ..models import Publication

# How long to wait for the instance to finish processing an uploaded image (202 → poll /api/v1/media/:id).
MEDIA_POLL_INTERVAL = 0.2
MEDIA_POLL_ATTEMPTS = 15
DEFAULT_IMAGE_LIMIT = 16 * 1024 * 1024  # Mastodon's default when the instance does not say


class MastodonAdapter(Adapter):
    platform = "mastodon"
    label = "Mastodon"
    idempotent = True
    can_delete = True
    has_metrics = True
    has_threads = True
    max_parts = 10
    default_limit = 500
    default_rate = (60, 10)
    config_fields = ("base_url", "visibility")
    secret_fields = ("access_token",)
    auth_statuses = (401,)
    uses_oauth = True

    @property
    def base(self) -> str:
        base: str = self.config["base_url"]
        return base.rstrip("/")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.authorization()}

    def instance_limits(self) -> tuple[int, int, int]:
        """(characters per status, characters counted per URL, largest image in bytes) from the instance."""
        key = f"pub:mastodon-instance:v2:{self.base}"
        cached = cache.get(key)
        if cached:
            return tuple(cached)
        data = self.request("GET", f"{self.base}/api/v2/instance").json()
        configuration = data.get("configuration", {})
        statuses = configuration.get("statuses", {})
        media = configuration.get("media_attachments", {})
        limits = (
            int(statuses.get("max_characters", 500)),
            int(statuses.get("characters_reserved_per_url", 23)),
            int(media.get("image_size_limit", DEFAULT_IMAGE_LIMIT)),
        )
        cache.set(key, list(limits), 3600)
        return limits

    @property
    def max_image_bytes(self) -> int:  # type: ignore[override]
        return self.instance_limits()[2]

    def limit(self) -> int:
        return self.instance_limits()[0]

    def count(self, text: str) -> int:
        return mastodon_length(text, url_length=self.instance_limits()[1])

    def upload_image(self, image: dict[str, Any]) -> str:
        """POST /api/v2/media (alt text as `description`); a 202 means the instance is still processing
        it, so poll GET /api/v1/media/:id until it answers 200 with a URL."""
        data, mime = self.image_data(image)
        response = self.request(
            "POST",
            f"{self.base}/api/v2/media",
            headers=self.headers,
            files={"file": (self.image_filename(image, mime), data, mime)},
            data={"description": image.get("alt", "")[:1500]},
            ok=(200, 202),
        )
        media = response.json()
        if response.status_code == 200 and media.get("url"):
            return str(media["id"])
        for _attempt in range(MEDIA_POLL_ATTEMPTS):
            time.sleep(MEDIA_POLL_INTERVAL)
            polled = self.request("GET", f"{self.base}/api/v1/media/{media['id']}", headers=self.headers, ok=(200, 206))
            if polled.status_code == 200:
                return str(media["id"])
        raise RetryableError(_("The instance is still processing the image; trying again later."))

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        ids: list[str] = list(publication.result.get("ids", []))
        url = publication.result.get("url", "")
        reply_to = ids[-1] if ids else None
        image = content.get("image")
        for index, part in enumerate(content.get("parts", [])):
            if index < len(ids):
                continue  # sent by an earlier attempt
            payload = {"status": part, "visibility": self.config.get("visibility", "public")}
            if index == 0 and image:
                payload["media_ids"] = [self.upload(self.upload_image, image)]
            if reply_to:
                payload["in_reply_to_id"] = reply_to
            data = self.request(
                "POST",
                f"{self.base}/api/v1/statuses",
                json=payload,
                headers={**self.headers, "Idempotency-Key": f"{publication.idempotency_key}:{index}"},
            ).json()
            ids.append(str(data["id"]))
            url = url or data.get("url", "")
            reply_to = ids[-1]
            publication.result = {**publication.result, "ids": ids, "url": url}
        return SendResult(platform_id=ids[0], url=url, extra={"ids": ids})

    def delete(self, *, publication: Publication) -> None:
        for status_id in reversed(publication.result.get("ids") or [publication.platform_id]):
            response = self.request(
                "DELETE", f"{self.base}/api/v1/statuses/{status_id}", headers=self.headers, ok=(200, 404)
            )
            del response

    def metrics(self, *, publication: Publication) -> Metrics | None:
        data = self.request(
            "GET", f"{self.base}/api/v1/statuses/{publication.platform_id}", headers=self.headers
        ).json()
        return Metrics(
            likes=int(data.get("favourites_count", 0)),
            reposts=int(data.get("reblogs_count", 0)),
            replies=int(data.get("replies_count", 0)),
        )

    def whoami(self) -> dict[str, str]:
        data = self.request("GET", f"{self.base}/api/v1/accounts/verify_credentials", headers=self.headers).json()
        return {"username": str(data.get("acct", "")) if isinstance(data, dict) else ""}

    def check(self) -> str:
        return f"@{self.whoami()['username']}"
