"""Telegram Bot API to a channel: sendMessage (4096) or sendPhoto with a caption (1024)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import httpx

from ..formatting import utf16_length
from .base import Adapter, PermanentError, RetryableError, SendResult

if TYPE_CHECKING:
    from ..models import Publication

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


class TelegramAdapter(Adapter):
    platform = "telegram"
    label = "Telegram"
    idempotent = False
    can_delete = True
    default_limit = TEXT_LIMIT
    # Telegram: at most 20 messages per minute to one group/channel. A bucket of 19/min with a burst
    # of 1 can never put more than 20 into any 60-second window.
    default_rate = (19, 1)
    # ...and about 30 messages per second per bot, shared by every channel of the same bot.
    account_rate_per_second = 25.0
    account_burst = 5  # 5 + 25 = at most 30 in any one second
    config_fields = ("chat_id", "base_url")
    secret_fields = ("bot_token",)

    def count(self, text: str) -> int:
        return utf16_length(text)

    def account_key(self) -> str:
        return "telegram:" + hashlib.sha256(self.credentials.get("bot_token", "").encode()).hexdigest()[:16]

    @property
    def api(self) -> str:
        base = (self.config.get("base_url") or "https://api.telegram.org").rstrip("/")
        return f"{base}/bot{self.credentials.get('bot_token', '')}"

    def raise_for_response(self, response: httpx.Response) -> None:
        try:
            data = response.json()
        except ValueError:
            data = {}
        description = data.get("description") or response.text[:300]
        message = f"HTTP {response.status_code}: {description}"
        if response.status_code == 429 or response.status_code >= 500:
            retry_after = (data.get("parameters") or {}).get("retry_after")
            raise RetryableError(message, status=response.status_code, retry_after=retry_after)
        raise PermanentError(message, status=response.status_code)

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        chat_id = self.config["chat_id"]
        text = (content.get("parts") or [""])[0]
        media = content.get("media") or []
        ids = list(publication.result.get("ids", []))
        # Up to 1024 characters the text is the photo's caption; longer, the photo goes first alone.
        if media and utf16_length(text) <= CAPTION_LIMIT:
            data = self.request(
                "POST", f"{self.api}/sendPhoto", json={"chat_id": chat_id, "photo": media[0], "caption": text}
            ).json()
            ids.append(data["result"]["message_id"])
        else:
            if media and not ids:
                data = self.request(
                    "POST", f"{self.api}/sendPhoto", json={"chat_id": chat_id, "photo": media[0]}
                ).json()
                ids.append(data["result"]["message_id"])
                publication.result = {**publication.result, "ids": ids}
            data = self.request(
                "POST", f"{self.api}/sendMessage", json={"chat_id": chat_id, "text": text, "link_preview_options": {}}
            ).json()
            ids.append(data["result"]["message_id"])
        chat = data["result"].get("chat", {})
        username = chat.get("username")
        url = f"https://t.me/{username}/{ids[-1]}" if username else ""
        return SendResult(platform_id=str(ids[-1]), url=url, extra={"ids": ids})

    def delete(self, *, publication: Publication) -> None:
        for message_id in publication.result.get("ids") or [publication.platform_id]:
            self.request(
                "POST",
                f"{self.api}/deleteMessage",
                json={"chat_id": self.config["chat_id"], "message_id": int(message_id)},
            )

    def check(self) -> str:
        data = self.request("GET", f"{self.api}/getMe").json()
        return f"@{data['result'].get('username', '')}"
