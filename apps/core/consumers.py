"""What every websocket consumer shares: the Origin check, the close codes, and EventConsumer, the
base of the sockets that listen to events (apps.core.realtime)."""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from .realtime import Event

DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_origin(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an Origin (or trusted-origin setting) value; None when it is not one
    (`null`, another scheme, a path, credentials, a bad port)."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _trusted(origin: tuple[str, str, int], value: str) -> bool:
    """`value` as Django's CSRF_TRUSTED_ORIGINS writes them: a full origin, "https://*.example.com"
    for any subdomain."""
    wildcard = "://*." in value
    trusted = parse_origin(value.replace("://*.", "://", 1) if wildcard else value)
    if trusted is None:
        return False
    scheme, host, port = trusted
    if origin[0] != scheme or origin[2] != port:
        return False
    return origin[1] == host or (wildcard and origin[1].endswith("." + host))


def origin_allowed(scope) -> bool:
    """Browsers always send Origin, so a present Origin must be one of ours, compared whole (scheme,
    host and port): the origin the socket was opened on (its Host, one of ALLOWED_HOSTS, with http
    for ws and https for wss) or one of WEBSOCKET_ALLOWED_ORIGINS / CSRF_TRUSTED_ORIGINS. Clients
    without a browser (y-websocket in Node, mobile apps) send none and authenticate with a token."""
    headers = scope.get("headers", [])
    origins = [value.decode("latin1") for name, value in headers if name == b"origin"]
    if not origins:
        return True
    if len(origins) > 1:
        return False
    origin = parse_origin(origins[0])
    if origin is None:
        return False
    for value in [*settings.WEBSOCKET_ALLOWED_ORIGINS, *settings.CSRF_TRUSTED_ORIGINS]:
        if _trusted(origin, value):
            return True
    host_header = next((value.decode("latin1") for name, value in headers if name == b"host"), "")
    domain, port = split_domain_port(host_header)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    try:
        own_port = int(port) if port else DEFAULT_PORTS[scheme]
    except ValueError:
        return False
    own_host = domain[1:-1] if domain.startswith("[") else domain
    return origin == (scheme, own_host.lower(), own_port)


# Close codes (4000-4999 are the application's), the same on every socket; the pages' scripts show a
# message for each and stop reconnecting.
CLOSE_BAD_REQUEST = 4400
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_SERVER = 4500


def admitted_user(scope):
    """The signed-in user of a socket whose Origin is ours, or None (the socket closes with 4403)."""
    user = scope.get("user")
    if not origin_allowed(scope) or user is None or not user.is_authenticated:
        return None
    return user


class EventConsumer(AsyncJsonWebsocketConsumer):
    """A socket that listens to declared events (apps.core.realtime) of some groups: Origin and
    authentication (4403), the groups a subclass decides in `authorize` (a close code instead: 4404,
    4400, ...), the declared events in `forward` sent on as they are, {"type": "ping"} answered."""

    forward: tuple[Event, ...] = ()
    joined: list[str] = []

    async def authorize(self, user) -> list[str] | int:
        raise NotImplementedError

    async def accepted(self) -> None:
        """After accept: a first message, background work."""

    async def connect(self) -> None:
        user = admitted_user(self.scope)
        if user is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        groups = await self.authorize(user)
        if isinstance(groups, int):
            await self.close(code=groups)
            return
        self.joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        await self.accepted()

    async def disconnect(self, code) -> None:
        groups, self.joined = self.joined, []
        for group in groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message) -> None:
        if any(message.get("type") == event.type for event in self.forward) and not hasattr(
            self, get_handler_name(message)
        ):
            await self.send_json(message)
            return
        await super().dispatch(message)

    async def receive_json(self, content, **kwargs) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.command(content)

    async def command(self, content) -> None:
        """A message from the client other than ping (ignored unless a subclass handles it)."""
