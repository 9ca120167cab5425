"""Websocket authentication: the browser's session cookie, or a token for API clients
(`?token=`, an `Authorization: Bearer` header, or a `bearer.<token>` subprotocol)."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from rest_framework.exceptions import AuthenticationFailed

from .authentication import user_for_token_key


@database_sync_to_async
def _user_for_key(key: str):
    try:
        return user_for_token_key(key)[0]
    except AuthenticationFailed:
        return None


def _token_from_scope(scope) -> str | None:
    query = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
    if query.get("token"):
        return query["token"][0]
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            parts = value.decode(errors="replace").split()
            if len(parts) == 2 and parts[0].lower() in ("bearer", "token"):
                return parts[1]
    for proto in scope.get("subprotocols", []):
        if proto.startswith("bearer."):
            return proto[len("bearer.") :]
    return None


class _TokenMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            key = _token_from_scope(scope)
            if key:
                token_user = await _user_for_key(key)
                if token_user is not None:
                    scope = dict(scope, user=token_user, auth_method="token")
        return await self.inner(scope, receive, send)


def WebsocketAuthMiddleware(inner):  # noqa: N802 - reads like the middleware class it builds
    return AuthMiddlewareStack(_TokenMiddleware(inner))
