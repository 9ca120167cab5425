"""What every platform adapter offers and the three ways a send can go wrong."""

from __future__ import annotations

import io
import mimetypes
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urlsplit

import httpx
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from apps.core.http import BlockedAddress, FetchError, parse_retry_after

from ..formatting import Rendered, add_utm, hashtags_for, plain_length, split_thread
from ..http import shared_http
from ..oauth import OAuthFailure, token_refresh

if TYPE_CHECKING:
    from ..models import Channel, Publication

T = TypeVar("T")


def http_url_or_empty(value: object) -> str:
    """A platform's link as we store and render it: an absolute http(s) URL of at most 1,000
    characters, or "" (a `javascript:` or `data:` link from a platform's answer or a person's
    input must never become an <a href>)."""
    url = str(value or "").strip()
    if not url or len(url) > 1000:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url


class DeliveryError(Exception):
    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.status = status


class RetryableError(DeliveryError):
    """429, 5xx, connection refused: nothing reached the platform (or it asked us to come back)."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class PermanentError(DeliveryError):
    """Other 4xx: the platform refused the content or the credentials; repeating will not help."""


class AmbiguousError(DeliveryError):
    """The request may have reached the platform (timeout after sending, connection reset)."""


class AuthorizationGone(PermanentError):
    """The platform refused our credentials and they could not be renewed: nothing was sent, and the
    channel needs reconnecting (its publications wait for it)."""


class NothingToCheck(Exception):
    """The channel has no outside account to test (our own site)."""


@dataclass
class SendResult:
    platform_id: str
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Metrics:
    views: int = 0
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    clicks: int = 0


@dataclass
class PostContent:
    """What a channel needs from a post, gathered once at scheduling time."""

    title: str
    text: str
    html: str
    excerpt: str
    tags: list[str]
    link: str
    image_url: str = ""
    image_alt: str = ""
    image_name: str = ""  # the file's name in default storage, read at send time for uploads
    image_mime: str = ""
    image_size: int = 0
    author: str = ""
    post_id: int = 0

    def image(self) -> dict[str, Any] | None:
        """The featured image as frozen into a publication's content (uploading adapters read it)."""
        if not self.image_url:
            return None
        return {
            "url": self.image_url,
            "alt": self.image_alt,
            "name": self.image_name,
            "mime": self.image_mime,
            "size": self.image_size,
        }


# Image types Pillow can re-encode when a platform's size limit needs a smaller file.
DOWNSCALABLE = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def downscale_image(*, data: bytes, max_bytes: int) -> tuple[bytes, str]:
    """Re-encode as JPEG, shrinking the longer side until the file fits `max_bytes`."""
    try:
        image: Image.Image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise PermanentError(str(_("The image cannot be read to make it smaller: %(e)s") % {"e": exc})) from exc
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.split()[-1])
        image = background
    quality = 85
    while True:
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=quality, optimize=True)
        if out.tell() <= max_bytes:
            return out.getvalue(), "image/jpeg"
        if quality > 70:
            quality -= 10
            continue
        width, height = image.size
        if max(width, height) <= 64:
            raise PermanentError(str(_("The image cannot be made small enough for this platform.")))
        image = image.resize((max(1, int(width * 0.75)), max(1, int(height * 0.75))), Image.Resampling.LANCZOS)


class Adapter:
    platform: ClassVar[str] = ""
    # Safe to repeat a send whose outcome is unknown (the platform deduplicates by our key).
    idempotent: ClassVar[bool] = False
    can_delete: ClassVar[bool] = False
    has_metrics: ClassVar[bool] = False
    has_threads: ClassVar[bool] = False
    max_parts: ClassVar[int] = 1
    default_limit: ClassVar[int] = 100_000
    # Defaults for a new channel's token bucket (sends per minute, burst).
    default_rate: ClassVar[tuple[int, int]] = (60, 10)
    # A limit on the whole account (all channels of one bot), where the platform has one.
    account_rate_per_second: ClassVar[float | None] = None
    account_burst: ClassVar[int] = 1
    # Config keys (non-secret) and credential keys (secret) the channel form asks for.
    config_fields: ClassVar[tuple[str, ...]] = ()
    secret_fields: ClassVar[tuple[str, ...]] = ()
    label: ClassVar[str] = ""
    # Answers meaning "these credentials are not (or no longer) accepted" (the channel needs reconnecting).
    auth_statuses: ClassVar[tuple[int, ...]] = ()
    # Connected with OAuth: a refused access token is renewed once with the refresh token.
    uses_oauth: ClassVar[bool] = False

    def __init__(self, *, channel: Channel, credentials: dict[str, Any], http: httpx.Client | None = None) -> None:
        self.channel = channel
        self.config = channel.config or {}
        self.credentials = credentials
        self._http = http

    # --- HTTP plumbing: classify every failure into the three errors above.
    @property
    def http(self) -> httpx.Client:
        if self._http is None:
            self._http = shared_http()
        return self._http

    def request(self, method: str, url: str, *, ok: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response:
        response = self._request_once(method, url, **kwargs)
        if response.status_code in self.auth_statuses and self.uses_oauth:
            # Refused before anything was written: renew the token once and repeat once.
            try:
                self.refresh_credentials()
            except AuthorizationGone as exc:
                raise AuthorizationGone(
                    f"HTTP {response.status_code}: {self.error_message(response)}. {exc.message}",
                    status=response.status_code,
                ) from exc
            if "Authorization" in (kwargs.get("headers") or {}):
                kwargs["headers"] = {**kwargs["headers"], "Authorization": self.authorization()}
            response = self._request_once(method, url, **kwargs)
        if response.status_code in ok or (not ok and response.is_success):
            return response
        self.raise_for_response(response)
        return response

    def authorization(self) -> str:
        return f"Bearer {self.credentials.get('access_token', '')}"

    def refresh_credentials(self) -> None:
        """Renew the access token (another worker's fresh one is taken as it is)."""
        try:
            self.credentials = token_refresh(
                channel_id=self.channel.pk, stale_access_token=self.credentials.get("access_token", "")
            )
        except OAuthFailure as exc:
            if exc.gone:
                raise AuthorizationGone(exc.message, status=401) from exc
            raise RetryableError(str(_("Could not renew the access token: %(e)s") % {"e": exc.message})) from exc

    def _request_once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, url, **kwargs)
        except BlockedAddress as exc:
            raise PermanentError(exc.message) from exc
        except FetchError as exc:  # the name did not resolve
            raise RetryableError(exc.message) from exc
        except httpx.ConnectError as exc:
            raise RetryableError(
                str(_("connection failed: nothing answered at %(where)s (%(e)s)") % {"where": _where(url), "e": exc})
            ) from exc
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise RetryableError(
                str(_("connection failed: %(where)s did not accept the connection in time") % {"where": _where(url)})
            ) from exc
        except (httpx.ReadTimeout, httpx.WriteTimeout) as exc:
            raise AmbiguousError(f"timed out after the request was sent: {exc.__class__.__name__}") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise AmbiguousError(f"connection lost during the request: {exc.__class__.__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise AmbiguousError(f"{exc.__class__.__name__}: {exc}") from exc

    def error_message(self, response: httpx.Response) -> str:
        try:
            data = response.json()
        except ValueError:
            return response.text[:500] or response.reason_phrase
        if isinstance(data, dict):
            for key in ("error_description", "description", "message", "error", "detail", "title"):
                value = data.get(key)
                if isinstance(value, str) and value:
                    return value
                if isinstance(value, dict) and value.get("message"):
                    return str(value["message"])
        return str(data)[:500]

    def raise_for_response(self, response: httpx.Response) -> None:
        status = response.status_code
        message = f"HTTP {status}: {self.error_message(response)}"
        if status in self.auth_statuses:
            raise AuthorizationGone(
                str(_("%(m)s (the platform no longer accepts this channel's authorization: reconnect it)"))
                % {"m": message},
                status=status,
            )
        if status == 429 or status >= 500:
            raise RetryableError(
                message, status=status, retry_after=parse_retry_after(response.headers.get("Retry-After"))
            )
        raise PermanentError(message, status=status)

    # --- media: the featured image, uploaded before the status request within the same attempt
    # Largest file the platform accepts (None: no limit we know of); bigger images are downscaled.
    max_image_bytes: ClassVar[int | None] = None

    def media_errors(self, content: PostContent) -> list[str]:
        """Refuse at scheduling time an image this platform cannot take (and we cannot shrink)."""
        limit = self.max_image_bytes
        if content.image_url and limit and content.image_size > limit and content.image_mime not in DOWNSCALABLE:
            return [
                str(_("The image is too large for %(name)s (%(size)s bytes of %(limit)s) and cannot be resized."))
                % {"name": self.channel.name, "size": content.image_size, "limit": limit}
            ]
        return []

    def image_data(self, image: dict[str, Any]) -> tuple[bytes, str]:
        """The image's bytes and MIME type, read from storage (or fetched from its URL) and, where the
        platform has a size limit, downscaled to fit it."""
        mime = image.get("mime") or "application/octet-stream"
        name = image.get("name") or ""
        if name:
            try:
                with default_storage.open(name, "rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, OSError) as exc:
                raise PermanentError(str(_("The image file is missing: %(name)s") % {"name": name})) from exc
        else:
            data = self.request("GET", image["url"]).content
        if self.max_image_bytes and len(data) > self.max_image_bytes:
            data, mime = downscale_image(data=data, max_bytes=self.max_image_bytes)
        return data, mime

    def upload(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an upload step. An upload creates nothing anyone can see, so an unknown outcome (timeout,
        reset) is safe to repeat: it becomes a retry, never `unconfirmed`."""
        try:
            return func(*args, **kwargs)
        except AmbiguousError as exc:
            raise RetryableError(
                str(_("Media upload interrupted (nothing was posted): %(m)s") % {"m": exc.message}), status=exc.status
            ) from exc

    @staticmethod
    def image_filename(image: dict[str, Any], mime: str) -> str:
        base = os.path.basename(image.get("name") or "") or "image"
        stem, ext = os.path.splitext(base)
        wanted = mimetypes.guess_extension(mime) or ext or ".bin"
        if wanted == ".jpe":
            wanted = ".jpg"

        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "image"
        return f"{stem}{ext.lower() if mimetypes.guess_type(base)[0] == mime else wanted}"

    # --- formatting
    def limit(self) -> int:
        return self.default_limit

    def count(self, text: str) -> int:
        return plain_length(text)

    def link_for(self, content: PostContent) -> str:
        if not content.link or self.config.get("no_link"):
            return ""
        return add_utm(
            content.link,
            source=self.config.get("utm_source") or self.platform,
            medium=self.config.get("utm_medium") or "social",
            campaign=self.config.get("utm_campaign") or "",
        )

    def tail_for(self, content: PostContent) -> str:
        tags = list(content.tags) + [t.lstrip("#") for t in self.config.get("hashtags", [])]
        bits = [hashtags_for(tags)] if tags and not self.config.get("no_hashtags") else []
        link = self.link_for(content)
        if link:
            bits.append(link)
        return "\n".join(b for b in bits if b)

    def body_for(self, content: PostContent, override: str = "") -> str:
        if override:
            return override.strip()
        lead = content.excerpt or content.text
        return f"{content.title}\n\n{lead}".strip() if self.config.get("include_title", True) else lead

    def render(self, *, content: PostContent, override: str = "") -> Rendered:
        limit = self.limit()
        body = self.body_for(content, override)
        tail = self.tail_for(content)
        parts, errors = split_thread(
            text=body,
            tail=tail,
            limit=limit,
            count=self.count,
            max_parts=self.max_parts if self.has_threads else 1,
            numbered=self.has_threads,
        )
        if not self.has_threads and errors:
            whole = f"{body}\n\n{tail}".strip()
            errors = [
                str(_("Too long for %(name)s: %(length)s of %(limit)s characters."))
                % {"name": self.channel.name, "length": self.count(whole), "limit": limit}
            ]
        media = [content.image_url] if content.image_url else []
        errors = [*errors, *self.media_errors(content)]
        return Rendered(parts=parts, limit=limit, lengths=[self.count(p) for p in parts], errors=errors, media=media)

    # --- the platform calls
    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        raise NotImplementedError

    def delete(self, *, publication: Publication) -> None:
        raise PermanentError(str(_("This platform does not allow deleting through its API.")))

    def metrics(self, *, publication: Publication) -> Metrics | None:
        return None

    def whoami(self) -> dict[str, str]:
        """Who the credentials belong to (the OAuth platforms answer; `username`, `name`, `author_urn`)."""
        raise NotImplementedError

    def check(self) -> str:
        """A real, harmless request that proves the account works ("who am I"); returns who answered.
        Raises a DeliveryError saying what happened, or NothingToCheck."""
        raise NothingToCheck(str(_("This channel has no outside account to test.")))


def _where(url: str) -> str:
    parts = urlsplit(url)
    port: int | str
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = "?"
    return f"{parts.hostname or url}:{port}"
