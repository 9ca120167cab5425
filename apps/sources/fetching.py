"""Our own HTTP client for feeds: SSRF-safe after DNS resolution, redirects re-checked, a body cap,
connect and total time limits, gzip, conditional GET. feedparser only ever gets the bytes."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpcore
import httpx
from django.utils.translation import gettext as _

from apps.core.http import (
    BodyTooLarge,
    FetchError,
    FetchTimeout,
    GuardedTransport,
    _check_url,
    parse_retry_after,
)

USER_AGENT = "Trendoscope/1.0 (feed reader; +https://github.com/trendoscope/trendoscope)"
MAX_REDIRECTS = 5
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_TOTAL_TIMEOUT = 20.0
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    not_modified: bool = False
    duration_ms: int = 0
    # Set when every redirect on the way was permanent (301/308): the feed has moved for good.
    moved_to: str = ""

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def _request_headers(*, accept: str, etag: str, last_modified: str) -> dict[str, str]:
    """Our identity, what we accept, and the validators of the last answer (a conditional GET)."""
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _read_body(response: httpx.Response, *, max_bytes: int, deadline: float, total: float) -> bytes:
    """The body, refused as soon as it is declared or grows past max_bytes or runs past the deadline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(_("The response is larger than %(cap)s bytes.") % {"cap": max_bytes})
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge(_("The response is larger than %(cap)s bytes.") % {"cap": max_bytes})
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise FetchTimeout(_("The time limit of %(s)s s was reached.") % {"s": total})
    return b"".join(chunks)


def _status_error(response: httpx.Response, url: str) -> FetchError:
    return FetchError(
        _("HTTP %(status)s from %(url)s") % {"status": response.status_code, "url": url[:200]},
        status=response.status_code,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def _network_error(exc: Exception, url: str) -> FetchError:
    # httpcore maps our BlockedAddress raised inside connect_tcp through; keep it readable.
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, FetchError):
        return cause
    return FetchError(_("Could not fetch %(url)s: %(error)s") % {"url": url[:200], "error": exc or type(exc).__name__})


def fetch_url(
    url: str,
    *,
    etag: str = "",
    last_modified: str = "",
    max_bytes: int = DEFAULT_MAX_BYTES,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
    accept: str = ACCEPT,
) -> FetchResult:
    """GET url with our limits. Raises FetchError (or a subclass) with a readable message."""
    started = time.monotonic()
    deadline = started + total_timeout
    headers = _request_headers(accept=accept, etag=etag, last_modified=last_modified)
    timeout = httpx.Timeout(connect=connect_timeout, read=total_timeout, write=total_timeout, pool=connect_timeout)
    current = url
    permanent = True
    hops = 0
    try:
        with httpx.Client(
            transport=GuardedTransport(deadline=deadline), timeout=timeout, follow_redirects=False, trust_env=False
        ) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                _check_url(current)
                with client.stream("GET", current, headers=headers) as response:
                    if response.status_code in (301, 302, 303, 307, 308) and "location" in response.headers:
                        permanent = permanent and response.status_code in (301, 308)
                        hops += 1
                        current = urljoin(current, response.headers["location"])
                        continue
                    result = FetchResult(
                        url=url,
                        final_url=current,
                        status=response.status_code,
                        headers={k.lower(): v for k, v in response.headers.items()},
                        moved_to=current if hops and permanent and response.status_code < 400 else "",
                    )
                    if response.status_code == 304:
                        result.not_modified = True
                        result.duration_ms = int((time.monotonic() - started) * 1000)
                        return result
                    if response.status_code >= 400:
                        raise _status_error(response, current)
                    result.body = _read_body(response, max_bytes=max_bytes, deadline=deadline, total=total_timeout)
                    result.duration_ms = int((time.monotonic() - started) * 1000)
                    return result
            raise FetchError(_("Too many redirects (more than %(n)s).") % {"n": MAX_REDIRECTS})
    except FetchError:
        raise
    except httpx.TimeoutException as exc:
        raise FetchTimeout(_("The time limit of %(s)s s was reached.") % {"s": total_timeout}) from exc
    except (httpx.InvalidURL, ValueError) as exc:  # e.g. a redirect to an address httpx cannot parse (IDNA)
        raise FetchError(_("Not a valid URL: %(url)s") % {"url": current[:200]}) from exc
    except httpx.DecodingError as exc:
        raise FetchError(_("The response could not be decoded: %(error)s") % {"error": exc}) from exc
    except (httpx.HTTPError, httpcore.NetworkError, OSError) as exc:
        raise _network_error(exc, current) from exc
