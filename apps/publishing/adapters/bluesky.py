"""Bluesky over the AT Protocol: createSession, then com.atproto.repo.createRecord of app.bsky.feed.post
records (300 graphemes, link and hashtag facets with UTF-8 byte offsets, threads as replies)."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

import httpx
import regex
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ..formatting import URL_RE, grapheme_length
from ..oauth import credentials_save
from .base import Adapter, Metrics, PermanentError, SendResult

if TYPE_CHECKING:
    from ..models import Publication

TAG_RE = regex.compile(r"(?<!\S)#([\p{L}\p{N}_]+)")


def bluesky_facets(text: str) -> list[dict]:
    facets = []
    encoded_prefix = lambda i: len(text[:i].encode())  # noqa: E731
    for match in URL_RE.finditer(text):
        facets.append(
            {
                "index": {"byteStart": encoded_prefix(match.start()), "byteEnd": encoded_prefix(match.end())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": match.group(0)}],
            }
        )
    for match in TAG_RE.finditer(text):
        facets.append(
            {
                "index": {"byteStart": encoded_prefix(match.start()), "byteEnd": encoded_prefix(match.end())},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
            }
        )
    return facets


def image_size(data: bytes) -> tuple[int, int] | None:
    try:
        return Image.open(io.BytesIO(data)).size
    except (UnidentifiedImageError, OSError):
        return None


class BlueskyAdapter(Adapter):
    platform = "bluesky"
    label = "Bluesky"
    idempotent = False
    can_delete = True
    has_metrics = True
    has_threads = True
    max_parts = 10
    default_limit = 300
    default_rate = (30, 5)
    max_image_bytes = 1_000_000  # the PDS refuses larger blobs
    config_fields = ("service", "handle")
    secret_fields = ("app_password",)
    auth_statuses = (401,)

    _session: dict | None = None
    SESSION_KEYS = ("accessJwt", "refreshJwt", "did", "handle")

    def count(self, text: str) -> int:
        return grapheme_length(text)

    @property
    def service(self) -> str:
        return (self.config.get("service") or "https://bsky.social").rstrip("/")

    def session(self, *, fresh: bool = False) -> dict:
        """The stored session (kept encrypted with the channel), renewed with refreshSession when its
        access token expired, or a new one from the app password when the refresh token is gone too."""
        if self._session is None and not fresh and self.credentials.get("accessJwt"):
            self._session = {k: self.credentials.get(k, "") for k in self.SESSION_KEYS}
        if self._session is None or fresh:
            self._session = self._renew()
        return self._session

    def _renew(self) -> dict:
        refresh = (self._session or {}).get("refreshJwt") or self.credentials.get("refreshJwt")
        if refresh:
            try:
                data = self.request(
                    "POST",
                    f"{self.service}/xrpc/com.atproto.server.refreshSession",
                    headers={"Authorization": f"Bearer {refresh}"},
                ).json()
                return self._keep(data)
            except PermanentError:
                pass  # the refresh token expired or was revoked: sign in again with the app password
        data = self.request(
            "POST",
            f"{self.service}/xrpc/com.atproto.server.createSession",
            json={"identifier": self.config.get("handle", ""), "password": self.credentials.get("app_password", "")},
        ).json()
        return self._keep(data)

    def _keep(self, data: object) -> dict[str, str]:
        if not isinstance(data, dict) or not data.get("accessJwt"):
            raise PermanentError(str(_("The server answered without a session.")))
        session = {k: str(data.get(k, "")) for k in self.SESSION_KEYS}
        self.credentials = {**self.credentials, **session}
        credentials_save(channel=self.channel, credentials=self.credentials)
        return session

    def xrpc(self, method: str, nsid: str, *, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        for fresh in (False, True):
            session = self.session(fresh=fresh)
            headers = {**(headers or {}), "Authorization": f"Bearer {session['accessJwt']}"}
            try:
                return self.request(method, f"{self.service}/xrpc/{nsid}", headers=headers, **kwargs)
            except PermanentError as exc:
                # An expired access token is refused before anything is written: a new session is safe.
                if fresh or ("ExpiredToken" not in exc.message and exc.status != 401):
                    raise
        raise AssertionError("unreachable")

    def error_message(self, response: httpx.Response) -> str:
        try:
            data = response.json()
            return f"{data.get('error', '')}: {data.get('message', '')}".strip(": ")
        except ValueError:
            return response.text[:300]

    def upload_image(self, image: dict[str, Any]) -> dict:
        """com.atproto.repo.uploadBlob with the raw bytes (downscaled under the 1,000,000-byte blob limit),
        then an app.bsky.embed.images embed with the alt text."""
        data, mime = self.image_data(image)
        blob = self.xrpc("POST", "com.atproto.repo.uploadBlob", content=data, headers={"Content-Type": mime}).json()
        entry = {"alt": image.get("alt", ""), "image": blob["blob"]}
        size = image_size(data)
        if size:
            entry["aspectRatio"] = {"width": size[0], "height": size[1]}
        return {"$type": "app.bsky.embed.images", "images": [entry]}

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        posts: list[dict] = list(publication.result.get("posts", []))
        did = self.session()["did"]
        image = content.get("image")
        for index, part in enumerate(content.get("parts", [])):
            if index < len(posts):
                continue
            record = {
                "$type": "app.bsky.feed.post",
                "text": part,
                "createdAt": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
                "langs": [content.get("language") or "en"],
            }
            facets = bluesky_facets(part)
            if facets:
                record["facets"] = facets
            if index == 0 and image:
                record["embed"] = self.upload(self.upload_image, image)
            if posts:
                record["reply"] = {"root": posts[0], "parent": posts[-1]}
            data = self.xrpc(
                "POST",
                "com.atproto.repo.createRecord",
                json={"repo": did, "collection": "app.bsky.feed.post", "record": record},
            ).json()
            posts.append({"uri": data["uri"], "cid": data["cid"]})
            publication.result = {**publication.result, "posts": posts}
        first = posts[0]["uri"]
        rkey = first.rsplit("/", 1)[1]
        handle = self.config.get("handle", "")
        return SendResult(
            platform_id=first, url=f"https://bsky.app/profile/{handle}/post/{rkey}", extra={"posts": posts}
        )

    def delete(self, *, publication: Publication) -> None:
        did = self.session()["did"]
        for post in reversed(publication.result.get("posts") or [{"uri": publication.platform_id}]):
            self.xrpc(
                "POST",
                "com.atproto.repo.deleteRecord",
                json={"repo": did, "collection": "app.bsky.feed.post", "rkey": post["uri"].rsplit("/", 1)[1]},
            )

    def metrics(self, *, publication: Publication) -> Metrics | None:
        data = self.xrpc("GET", "app.bsky.feed.getPosts", params={"uris": publication.platform_id}).json()
        posts = data.get("posts") or []
        if not posts:
            return None
        post = posts[0]
        return Metrics(
            likes=int(post.get("likeCount", 0)),
            reposts=int(post.get("repostCount", 0)) + int(post.get("quoteCount", 0)),
            replies=int(post.get("replyCount", 0)),
        )

    def check(self) -> str:
        """com.atproto.server.getSession: who the stored session belongs to (renewed if needed)."""
        data = self.xrpc("GET", "com.atproto.server.getSession").json()
        return str(data.get("handle", "")) if isinstance(data, dict) else ""
