"""The dashboard's live channel: members of a workspace join its group and hear when scores change.
The consumer only routes: authentication is ASGI middleware, membership comes from a selector."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.accounts.errors import WorkspaceRequired
from apps.accounts.selectors import membership_for_socket
from apps.core.consumers import origin_allowed
from apps.core.errors import NotFound

from .services.ranking import workspace_group

# Close codes: 4400 several workspaces and none named (API clients must add ?workspace=), 4404 unknown/none.
CLOSE_WORKSPACE_REQUIRED = 4400
CLOSE_NOT_FOUND = 4404


@database_sync_to_async
def _workspace_for(scope, ref: str | None) -> tuple[int | None, int | None]:
    """(workspace id, None), or (None, close code): the same rule as the API, never a guess."""

    try:
        membership = membership_for_socket(
            user=scope["user"], ref=ref, session=scope.get("session"), by_token=scope.get("auth_method") == "token"
        )
    except WorkspaceRequired:
        return None, CLOSE_WORKSPACE_REQUIRED
    except NotFound:
        return None, CLOSE_NOT_FOUND
    return membership.workspace_id, None


class TrendsConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if not origin_allowed(self.scope) or user is None or not user.is_authenticated:
            await self.close(code=4403)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        workspace_id, close_code = await _workspace_for(self.scope, (query.get("workspace") or [None])[0])
        if workspace_id is None:
            await self.close(code=close_code)
            return
        self.group = workspace_group(workspace_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello", "workspace": workspace_id})

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def trends_scores(self, event):
        await self.send_json({"type": "scores", "changed": event["changed"], "top": event["top"], "at": event["at"]})
