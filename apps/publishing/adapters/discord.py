"""Discord incoming webhook: POST ...?wait=true returns the message, which can be deleted later."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .base import Adapter, PermanentError, RetryableError, SendResult

if TYPE_CHECKING:
    from ..models import Publication


class DiscordAdapter(Adapter):
    platform = "discord"
    label = "Discord"
    idempotent = False
    can_delete = True
    default_limit = 2000
    default_rate = (30, 5)
    secret_fields = ("webhook_url",)
    config_fields = ("username",)

    def raise_for_response(self, response: httpx.Response) -> None:
        try:
            data = response.json()
        except ValueError:
            data = {}
        message = f"HTTP {response.status_code}: {data.get('message') or response.text[:300]}"
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = data.get("retry_after") or response.headers.get("Retry-After")
            raise RetryableError(
                message, status=response.status_code, retry_after=float(retry_after) if retry_after else None
            )
        raise PermanentError(message, status=response.status_code)

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        payload = {"content": (content.get("parts") or [""])[0], "allowed_mentions": {"parse": []}}
        if self.config.get("username"):
            payload["username"] = self.config["username"]
        media = content.get("media") or []
        if media:
            payload["embeds"] = [{"image": {"url": media[0]}}]
        data = self.request("POST", self.credentials["webhook_url"], params={"wait": "true"}, json=payload).json()
        url = ""
        if data.get("guild_id") and data.get("channel_id"):
            url = f"https://discord.com/channels/{data['guild_id']}/{data['channel_id']}/{data['id']}"
        return SendResult(platform_id=str(data["id"]), url=url)

    def check(self) -> str:
        """GET on an incoming webhook's own URL describes it (nothing is posted)."""
        data = self.request("GET", self.credentials["webhook_url"]).json()
        return str(data.get("name") or data.get("id") or "") if isinstance(data, dict) else ""

    def delete(self, *, publication: Publication) -> None:
        self.request("DELETE", f"{self.credentials['webhook_url']}/messages/{publication.platform_id}", ok=(204, 404))
