"""The guarded HTTP client every outbound request goes through: addresses checked after DNS on every
connection (private and reserved ones refused, literal or resolved, in all their spellings), an
optional deadline per request, URL syntax checks, and the Retry-After header read once for everyone.
Feed fetching (apps.sources.fetching), publishing channels, AI providers and embedding servers use it."""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import ssl
import time
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import certifi
import httpcore
import httpx
import idna
from django.conf import settings
from django.utils.translation import gettext as _

# 100.64.0.0/10 (carrier-grade NAT) is not "private" for the ipaddress module, so it is listed here.
_EXTRA_BLOCKED = [ipaddress.ip_network("100.64.0.0/10"), ipaddress.ip_network("192.0.0.0/24")]


class FetchError(Exception):
    """A fetch that failed in a way worth showing to the user."""

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


class BlockedAddress(FetchError):
    pass


class BodyTooLarge(FetchError):
    pass


class FetchTimeout(FetchError):
    pass


def address_is_blocked(ip: str) -> bool:
    """True for addresses a server-side fetch must never reach (unless private networks are allowed)."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address):
        mapped = addr.ipv4_mapped or addr.sixtofour
        if mapped is not None:
            return address_is_blocked(str(mapped))
        if addr.teredo:
            return True
    return bool(
        addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
        or (isinstance(addr, ipaddress.IPv6Address) and addr.is_site_local)
        or any(addr in net for net in _EXTRA_BLOCKED if addr.version == net.version)
    )


def _private_allowed() -> bool:
    return bool(settings.FETCH_ALLOW_PRIVATE_NETWORKS)


def allowed_private_origins(setting: str | None) -> frozenset[tuple[str, int]]:
    """The (host, port) pairs an operator setting (a list of origins such as "http://localhost:11434")
    lets reach private addresses, e.g. a local model server. Hosts compare as written: "localhost" does
    not allow "127.0.0.1". Read at every use, so a changed setting applies to long-lived clients too."""
    if not setting:
        return frozenset()
    pairs = set()
    for origin in getattr(settings, setting) or ():  # a declared setting: a wrong name fails loudly
        try:
            parts = urlsplit(str(origin).strip())
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if parts.hostname:
            pairs.add((parts.hostname.lower(), port))
    return frozenset(pairs)


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(_("Could not resolve %(host)s: %(error)s") % {"host": host, "error": exc}) from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def resolve_checked(host: str, port: int) -> list[str]:
    """Resolve host and refuse it if any address is off-limits (so DNS cannot pick a private one later)."""
    addresses = _resolve(host, port)
    if not _private_allowed():
        for ip in addresses:
            if address_is_blocked(ip):
                raise BlockedAddress(
                    _("Refused to fetch %(host)s: it resolves to a private or reserved address (%(ip)s).")
                    % {"host": host, "ip": ip}
                )
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """Caps every socket operation by the request's overall deadline, so a server trickling one byte
    a second (headers included) is cut at the total time limit rather than only per read."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream = stream
        self._deadline = deadline

    def _timeout(self, timeout: float | None) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("total time limit reached")
        return remaining if timeout is None else min(timeout, remaining)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._timeout(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, self._timeout(timeout)), self._deadline
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses that passed the SSRF check, to the very address that was checked.
    With a deadline, every socket operation is also capped by it."""

    def __init__(self, deadline: float | None = None, allow_setting: str | None = None):
        self.deadline = deadline
        self.allow_setting = allow_setting

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise httpcore.ConnectTimeout("total time limit reached")
            timeout = remaining if timeout is None else min(timeout, remaining)
        last_error: Exception | None = None
        # An origin the operator allowed (a local model server) is resolved without the address check.
        allowed = (str(host).lower(), int(port)) in allowed_private_origins(self.allow_setting)
        for ip in _resolve(host, port) if allowed else resolve_checked(host, port):
            try:
                stream = super().connect_tcp(ip, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
                continue
            return stream if self.deadline is None else _DeadlineStream(stream, self.deadline)
        raise last_error or httpcore.ConnectError(f"could not connect to {host}")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the CA bundle costs tens of milliseconds; one context serves every fetch (it is thread-safe).
    return ssl.create_default_context(cafile=certifi.where())


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport that refuses private and reserved addresses when it connects (after DNS,
    on every connection, so a name that later resolves elsewhere is caught too). A connection to a
    refused address raises BlockedAddress. Used by feed fetching (with a deadline per fetch) and by
    the long-lived clients that reach workspace-configured URLs (publishing channels, AI providers).
    allow_setting names an operator setting listing origins let through to private addresses anyway
    (see allowed_private_origins); a workspace can never add to it."""

    def __init__(
        self,
        *,
        deadline: float | None = None,
        max_connections: int = 4,
        max_keepalive: int | None = None,
        allow_setting: str | None = None,
    ):
        # verify=_ssl_context() so httpx does not build (and throw away) a context of its own.
        super().__init__(verify=_ssl_context(), trust_env=False, retries=0)
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive,
            http1=True,
            network_backend=_GuardedBackend(deadline, allow_setting),
        )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds (whole, or as some platforms send them,
    with a fraction) or an HTTP date; None for anything else."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+(\.[0-9]+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


# What inet_aton reads as an IPv4 address although ipaddress does not: 0177.0.0.1, 2130706433, 0x7f.1
_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?", re.I)


def validate_url_syntax(url: str):
    """The URL's parts, or a FetchError for a URL httpx cannot parse or we will not guess at: control
    characters, bad IDNA, an out-of-range port, inet_aton spellings of addresses (0177.0.0.1)."""
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        raise FetchError(_("The URL contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
        httpx.URL(url)
        host = (parts.hostname or "").strip("[]")
        if host and ":" not in host and not host.isascii() or "xn--" in host.lower():
            idna.encode(host.rstrip("."), uts46=True)
    except (ValueError, httpx.InvalidURL, idna.IDNAError) as exc:
        raise FetchError(_("Not a valid URL: %(url)s") % {"url": url[:200]}) from exc
    if host and _NUMERIC_HOST.fullmatch(host):
        try:
            ipaddress.ip_address(host)
        except ValueError:
            # the resolver would read it as an address; we do not guess which
            raise FetchError(_("Not a valid host name: %(host)s") % {"host": host[:200]}) from None
    return parts


def _check_url(url: str) -> None:
    parts = validate_url_syntax(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(_("Only http and https URLs can be fetched (got %(url)s).") % {"url": url[:200]})
    if not parts.hostname:
        raise FetchError(_("The URL has no host: %(url)s") % {"url": url[:200]})
    if parts.username or parts.password:
        raise FetchError(_("URLs with credentials are not fetched."))
    # Literal addresses are refused before any connection (the backend checks resolved names too).
    host = parts.hostname.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return
    if not _private_allowed() and address_is_blocked(host):
        raise BlockedAddress(
            _("Refused to fetch %(host)s: it is a private or reserved address.") % {"host": parts.hostname}
        )


def outbound_url_check(url: str, *, allow_setting: str | None = None) -> None:
    """The save-time check for an address a workspace types (AI base URL, channel URL): http(s), a host,
    no credentials in it, and no private or reserved address, literal or resolved (0177.0.0.1,
    2130706433, ::ffff:127.0.0.1 and "localhost" all resolve to loopback). A name that does not resolve
    now passes: the connection is checked again when it is made. Raises FetchError/BlockedAddress."""
    url = str(url or "")
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in url):
        raise FetchError(_("The URL contains spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(_("This is not a valid URL: %(error)s") % {"error": exc}) from exc
    if parts.scheme not in ("http", "https"):
        raise FetchError(_("Only http and https URLs can be used (got %(url)s).") % {"url": url[:200]})
    if not parts.hostname:
        raise FetchError(_("The URL has no host: %(url)s") % {"url": url[:200]})
    if parts.username or parts.password:
        raise FetchError(_("URLs with credentials are not accepted."))
    host = parts.hostname.strip("[]").lower()
    if _private_allowed() or (host, port) in allowed_private_origins(allow_setting):
        return
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise FetchError(_("The host name %(host)s is not valid.") % {"host": host[:100]}) from exc
    try:
        resolve_checked(host, port)
    except BlockedAddress:
        raise
    except FetchError:
        return  # unresolvable now: the connection will be checked (and fail) when it is made
