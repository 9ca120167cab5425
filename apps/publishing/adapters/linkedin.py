"""LinkedIn Posts API (/rest/posts, versioned): commentary in LinkedIn's "little text" format."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import regex
from django.conf import settings
from django.utils.translation import gettext as _

from .base import Adapter, Metrics, PermanentError, SendResult

if TYPE_CHECKING:
    from ..models import Publication

RESERVED = regex.compile(r"([\\|{}@\[\]()<>#*_~])")
TAG_RE = regex.compile(r"(?<!\S)#([\p{L}\p{N}_]+)")
API_VERSION = "202411"


def little_text(text: str) -> str:
    """Escape LinkedIn's reserved characters; hashtags become {hashtag|\\#|tag} templates."""
    out, pos = [], 0
    for match in TAG_RE.finditer(text):
        out.append(RESERVED.sub(r"\\\1", text[pos : match.start()]))
        out.append("{hashtag|\\#|" + match.group(1) + "}")
        pos = match.end()
    out.append(RESERVED.sub(r"\\\1", text[pos:]))
    return "".join(out)


class LinkedInAdapter(Adapter):
    platform = "linkedin"
    label = "LinkedIn"
    idempotent = False
    can_delete = True
    has_metrics = True
    default_limit = 3000
    default_rate = (10, 2)
    max_image_bytes = 36_152_320  # LinkedIn's images API limit
    config_fields = ("base_url", "author_urn")
    secret_fields = ("access_token",)
    auth_statuses = (401,)
    uses_oauth = True

    @property
    def base(self) -> str:
        return (self.config.get("base_url") or settings.PUBLISHING_LINKEDIN_API_URL).rstrip("/")

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Authorization": self.authorization(),
            "LinkedIn-Version": API_VERSION,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    @property
    def author(self) -> str:
        urn = self.config.get("author_urn") or ""
        if not urn:
            raise PermanentError(_("The LinkedIn channel has no author: connect the account or enter the author URN."))
        return urn

    def whoami(self) -> dict[str, str]:
        """OpenID Connect userinfo: who the token belongs to (its `sub` is the member's person id)."""
        data = self.request("GET", f"{self.base}/v2/userinfo", headers={"Authorization": self.authorization()}).json()
        sub = str(data.get("sub", "")) if isinstance(data, dict) else ""
        return {"name": str(data.get("name", "")) if sub else "", "author_urn": f"urn:li:person:{sub}" if sub else ""}

    def check(self) -> str:
        me = self.whoami()
        return me["name"] or me["author_urn"]

    def upload_image(self, image: dict[str, Any]) -> str:
        """Images API: initializeUpload for the author, PUT the bytes to the returned uploadUrl; the image
        URN goes into the post's content.media."""
        data, mime = self.image_data(image)
        answer = self.request(
            "POST",
            f"{self.base}/rest/images",
            params={"action": "initializeUpload"},
            json={"initializeUploadRequest": {"owner": self.author}},
            headers=self.headers,
        ).json()
        value = answer["value"]
        self.request(
            "PUT",
            value["uploadUrl"],
            content=data,
            headers={"Authorization": self.headers["Authorization"], "Content-Type": mime},
        )
        image_urn: str = value["image"]
        return image_urn

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        image = content.get("image")
        image_urn = self.upload(self.upload_image, image) if image else ""
        payload = {
            "author": self.author,
            "commentary": little_text((content.get("parts") or [""])[0]),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if image and image_urn:
            payload["content"] = {"media": {"id": image_urn, "altText": (image.get("alt") or "")[:4086]}}
        response = self.request("POST", f"{self.base}/rest/posts", json=payload, headers=self.headers)
        urn = response.headers.get("x-restli-id", "")
        return SendResult(platform_id=urn, url=f"https://www.linkedin.com/feed/update/{urn}/" if urn else "")

    def delete(self, *, publication: Publication) -> None:
        self.request(
            "DELETE", f"{self.base}/rest/posts/{quote(publication.platform_id, safe='')}", headers=self.headers
        )

    def metrics(self, *, publication: Publication) -> Metrics | None:
        data = self.request(
            "GET", f"{self.base}/rest/socialActions/{quote(publication.platform_id, safe='')}", headers=self.headers
        ).json()
        return Metrics(
            likes=int(data.get("likesSummary", {}).get("totalLikes", 0)),
            replies=int(data.get("commentsSummary", {}).get("aggregatedTotalComments", 0)),
        )
