"""Mastodon: statuses with Idempotency-Key (so an unknown outcome can be repeated safely), the
character limit read from /api/v2/instance, threads as replies."""

from __future__ import annotations

from django.core.cache import cache

from ..formatting import mastodon_length
from .base import Adapter, Metrics, SendResult


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

    @property
    def base(self) -> str:
        return self.config["base_url"].rstrip("/")

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.credentials.get('access_token', '')}"}

    def instance_limits(self) -> tuple[int, int]:
        key = f"pub:mastodon-instance:{self.base}"
        cached = cache.get(key)
        if cached:
            return tuple(cached)
        data = self.request("GET", f"{self.base}/api/v2/instance").json()
        statuses = data.get("configuration", {}).get("statuses", {})
        limits = (int(statuses.get("max_characters", 500)), int(statuses.get("characters_reserved_per_url", 23)))
        cache.set(key, list(limits), 3600)
        return limits

    def limit(self) -> int:
        return self.instance_limits()[0]

    def count(self, text: str) -> int:
        return mastodon_length(text, url_length=self.instance_limits()[1])

    def send(self, *, publication, content):
        ids: list[str] = list(publication.result.get("ids", []))
        url = publication.result.get("url", "")
        reply_to = ids[-1] if ids else None
        for index, part in enumerate(content.get("parts", [])):
            if index < len(ids):
                continue  # sent by an earlier attempt
            payload = {"status": part, "visibility": self.config.get("visibility", "public")}
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

    def delete(self, *, publication):
        for status_id in reversed(publication.result.get("ids") or [publication.platform_id]):
            response = self.request(
                "DELETE", f"{self.base}/api/v1/statuses/{status_id}", headers=self.headers, ok=(200, 404)
            )
            del response

    def metrics(self, *, publication):
        data = self.request(
            "GET", f"{self.base}/api/v1/statuses/{publication.platform_id}", headers=self.headers
        ).json()
        return Metrics(
            likes=int(data.get("favourites_count", 0)),
            reposts=int(data.get("reblogs_count", 0)),
            replies=int(data.get("replies_count", 0)),
        )

    def check(self):
        data = self.request("GET", f"{self.base}/api/v1/accounts/verify_credentials", headers=self.headers).json()
        return f"@{data.get('acct', '')}"
