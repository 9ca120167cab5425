"""The team's own Wagtail site: creates or updates the post's ArticlePage and publishes a revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from apps.site.services import site_publish_post, site_unpublish_post

from ..formatting import Rendered
from .base import Adapter, PostContent, SendResult

if TYPE_CHECKING:
    from ..models import Publication


class SiteAdapter(Adapter):
    platform = "site"
    label = "Site"
    # Keyed by the post id: repeating the send updates the same page.
    idempotent = True
    can_delete = True
    default_rate = (600, 100)

    def render(self, *, content: PostContent, override: str = "") -> Rendered:
        errors = [] if content.title.strip() else [_("A page needs a title.")]
        return Rendered(parts=[content.html or content.text], limit=0, lengths=[], errors=errors, media=[])

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        page = site_publish_post(
            post_id=publication.post_id,
            title=content.get("title", ""),
            excerpt=content.get("excerpt", ""),
            body_html=content.get("html", ""),
            tags=content.get("tags", []),
            author_name=content.get("author", ""),
            image_url=(content.get("media") or [""])[0],
        )
        return SendResult(platform_id=str(page.pk), url=page.full_url or "")

    def delete(self, *, publication: Publication) -> None:
        site_unpublish_post(post_id=publication.post_id)
