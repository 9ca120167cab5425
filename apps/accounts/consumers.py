"""The base of the sockets that listen to one workspace's events: `?workspace=` (id or slug) resolved
by the API's rule (membership_for_socket), never a guess; a subclass names the workspace's groups."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from apps.core.consumers import CLOSE_BAD_REQUEST, CLOSE_NOT_FOUND, EventConsumer
from apps.core.errors import NotFound

from .errors import WorkspaceRequired
from .selectors import membership_for_socket


@database_sync_to_async
def workspace_for_socket(scope, ref: str | None) -> tuple[int | None, int | None]:
    """(workspace id, None), or (None, close code): 4400 several workspaces and none named (API clients
    must add ?workspace=), 4404 unknown, foreign or none."""
    try:
        membership = membership_for_socket(
            user=scope["user"], ref=ref, session=scope.get("session"), by_token=scope.get("auth_method") == "token"
        )
    except WorkspaceRequired:
        return None, CLOSE_BAD_REQUEST
    except NotFound:
        return None, CLOSE_NOT_FOUND
    return membership.workspace_id, None


class WorkspaceEventConsumer(EventConsumer):
    """Members of a workspace join the groups `groups_for(workspace_id)` returns; everyone else is
    closed with 4404 (or 4400, see workspace_for_socket). Membership is checked once, on connect."""

    workspace_id: int | None = None

    def groups_for(self, workspace_id: int) -> list[str]:
        raise NotImplementedError

    def query_param(self, name: str) -> str | None:
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        return (query.get(name) or [None])[0]

    async def authorize(self, user) -> list[str] | int:
        workspace_id, close_code = await workspace_for_socket(self.scope, self.query_param("workspace"))
        if workspace_id is None:
            return close_code or CLOSE_NOT_FOUND
        self.workspace_id = workspace_id
        return self.groups_for(workspace_id)

    async def accepted(self) -> None:
        await self.send_json({"type": "hello", "workspace": self.workspace_id})
