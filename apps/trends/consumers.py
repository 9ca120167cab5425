"""The dashboard's live channel: members of a workspace join its group and hear when scores change.
The consumer only routes: authentication is ASGI middleware, membership comes from a selector."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from apps.accounts.errors import WorkspaceRequired
from apps.accounts.selectors import membership_for_socket
from apps.core.consumers import CLOSE_BAD_REQUEST, CLOSE_NOT_FOUND, EventConsumer
from apps.core.errors import NotFound

from . import events


@database_sync_to_async
def _workspace_for(scope, ref: str | None) -> tuple[int | None, int | None]:
    """(workspace id, None), or (None, close code): 4400 several workspaces and none named (API clients
    must add ?workspace=), 4404 unknown or none; the same rule as the API, never a guess."""
    try:
        membership = membership_for_socket(
            user=scope["user"], ref=ref, session=scope.get("session"), by_token=scope.get("auth_method") == "token"
        )
    except WorkspaceRequired:
        return None, CLOSE_BAD_REQUEST
    except NotFound:
        return None, CLOSE_NOT_FOUND
    return membership.workspace_id, None


class TrendsConsumer(EventConsumer):
    workspace_id: int | None = None

    async def authorize(self, user) -> list[str] | int:
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        workspace_id, close_code = await _workspace_for(self.scope, (query.get("workspace") or [None])[0])
        if workspace_id is None:
            return close_code
        self.workspace_id = workspace_id
        return [events.workspace_group(workspace_id)]

    async def accepted(self) -> None:
        await self.send_json({"type": "hello", "workspace": self.workspace_id})

    async def trends_scores(self, event) -> None:
        await self.send_json({"type": "scores", "changed": event["changed"], "top": event["top"], "at": event["at"]})
