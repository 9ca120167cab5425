"""X API v2: POST /2/tweets with an OAuth 2.0 user token, threads as reply chains, weighted length."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from django.conf import settings

from ..formatting import X_MAX, x_weighted_length
from .base import Adapter, Metrics, SendResult

if TYPE_CHECKING:
    from ..models import Publication


class XAdapter(Adapter):
    platform = "x"
    label = "X"
    idempotent = False
    can_delete = True
    has_metrics = True
    has_threads = True
    max_parts = 25
    default_limit = X_MAX
    default_rate = (15, 3)
    max_image_bytes = 5_000_000  # X's limit for images
    config_fields = ("base_url", "username")
    secret_fields = ("access_token",)
    auth_statuses = (401,)
    uses_oauth = True

    def count(self, text: str) -> int:
        return x_weighted_length(text)

    @property
    def base(self) -> str:
        return (self.config.get("base_url") or settings.PUBLISHING_X_API_URL).rstrip("/")

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": self.authorization()}

    def upload_image(self, image: dict[str, Any]) -> str:
        """POST /2/media/upload (JSON, base64 media, category tweet_image), then the alt text through
        POST /2/media/metadata."""
        data, mime = self.image_data(image)
        answer = self.request(
            "POST",
            f"{self.base}/2/media/upload",
            json={
                "media": base64.b64encode(data).decode(),
                "media_category": "tweet_image",
                "media_type": mime,
            },
            headers=self.headers,
        ).json()
        media_id = str(answer["data"]["id"])
        alt = (image.get("alt") or "")[:1000]
        if alt:
            self.request(
                "POST",
                f"{self.base}/2/media/metadata",
                json={"id": media_id, "metadata": {"alt_text": {"text": alt}}},
                headers=self.headers,
            )
        return media_id

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        ids: list[str] = list(publication.result.get("ids", []))
        image = content.get("image")
        for index, part in enumerate(content.get("parts", [])):
            if index < len(ids):
                continue
            payload: dict = {"text": part}
            if index == 0 and image:
                payload["media"] = {"media_ids": [self.upload(self.upload_image, image)]}
            if ids:
                payload["reply"] = {"in_reply_to_tweet_id": ids[-1]}
            data = self.request("POST", f"{self.base}/2/tweets", json=payload, headers=self.headers).json()
            ids.append(str(data["data"]["id"]))
            publication.result = {**publication.result, "ids": ids}
        username = self.config.get("username") or "i"
        return SendResult(platform_id=ids[0], url=f"https://x.com/{username}/status/{ids[0]}", extra={"ids": ids})

    def delete(self, *, publication: Publication) -> None:
        for tweet_id in reversed(publication.result.get("ids") or [publication.platform_id]):
            self.request("DELETE", f"{self.base}/2/tweets/{tweet_id}", headers=self.headers)

    def metrics(self, *, publication: Publication) -> Metrics | None:
        data = self.request(
            "GET",
            f"{self.base}/2/tweets/{publication.platform_id}",
            params={"tweet.fields": "public_metrics"},
            headers=self.headers,
        ).json()
        m = data.get("data", {}).get("public_metrics", {})
        return Metrics(
            views=int(m.get("impression_count", 0)),
            likes=int(m.get("like_count", 0)),
            reposts=int(m.get("retweet_count", 0)) + int(m.get("quote_count", 0)),
            replies=int(m.get("reply_count", 0)),
        )

    def whoami(self) -> dict[str, str]:
        data = self.request("GET", f"{self.base}/2/users/me", headers=self.headers).json()
        user = data.get("data", {}) if isinstance(data, dict) else {}
        return {"username": str(user.get("username", ""))}

    def check(self) -> str:
        return "@" + self.whoami()["username"]
