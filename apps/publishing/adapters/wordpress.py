"""WordPress REST API (wp/v2/posts) with an application password (HTTP Basic)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from ..formatting import Rendered
from .base import Adapter, Metrics, PostContent, SendResult

if TYPE_CHECKING:
    from ..models import Publication


class WordPressAdapter(Adapter):
    platform = "wordpress"
    label = "WordPress"
    # Creating a post is not idempotent: a repeated request makes a second post.
    idempotent = False
    can_delete = True
    default_rate = (30, 5)
    config_fields = ("base_url", "username", "status")
    secret_fields = ("app_password",)
    auth_statuses = (401,)

    def render(self, *, content: PostContent, override: str = "") -> Rendered:
        errors = [] if content.title.strip() else [_("A WordPress post needs a title.")]
        errors += self.media_errors(content)
        media = [content.image_url] if content.image_url else []
        return Rendered(
            parts=[override or content.html or content.text], limit=0, lengths=[], errors=errors, media=media
        )

    @property
    def api(self) -> str:
        base: str = self.config["base_url"]
        return base.rstrip("/") + "/wp-json/wp/v2"

    @property
    def auth(self) -> tuple[str, str]:
        return (self.config.get("username", ""), self.credentials.get("app_password", ""))

    def upload_image(self, image: dict[str, Any]) -> int:
        """POST /wp/v2/media with the raw bytes and Content-Disposition, then set its alt_text."""
        data, mime = self.image_data(image)
        filename = self.image_filename(image, mime)
        media = self.request(
            "POST",
            f"{self.api}/media",
            content=data,
            headers={"Content-Type": mime, "Content-Disposition": f'attachment; filename="{filename}"'},
            auth=self.auth,
        ).json()
        alt = image.get("alt") or ""
        if alt:
            self.request("POST", f"{self.api}/media/{media['id']}", json={"alt_text": alt}, auth=self.auth)
        return int(media["id"])

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        html = (content.get("parts") or [""])[0]
        link = content.get("link")
        image = content.get("image")
        featured = self.upload(self.upload_image, image) if image else None
        payload = {
            "title": content.get("title", ""),
            "content": html,
            "excerpt": content.get("excerpt", ""),
            "status": self.config.get("status", "publish"),
        }
        if link:
            payload["meta"] = {"trendoscope_canonical": link}
        if featured:
            payload["featured_media"] = featured
        data = self.request("POST", f"{self.api}/posts", json=payload, auth=self.auth).json()
        return SendResult(platform_id=str(data["id"]), url=data.get("link", ""))

    def delete(self, *, publication: Publication) -> None:
        self.request("DELETE", f"{self.api}/posts/{publication.platform_id}", auth=self.auth)

    def check(self) -> str:
        data = self.request("GET", f"{self.api.rsplit('/wp/v2', 1)[0]}/wp/v2/users/me", auth=self.auth).json()
        return f"WordPress user {data.get('name', '')}"

    def metrics(self, *, publication: Publication) -> Metrics | None:
        response = self.request(
            "GET", f"{self.api}/comments", params={"post": publication.platform_id, "per_page": 1}, auth=self.auth
        )
        return Metrics(replies=int(response.headers.get("X-WP-Total", 0) or 0))
