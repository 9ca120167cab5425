"""The dashboard's live channel: members of a workspace join its group and hear when scores change.
The consumer only routes: authentication is ASGI middleware, membership comes from a selector."""

from __future__ import annotations

from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from apps.core.consumers import origin_allowed

from .services.ranking import workspace_group


@database_sync_to_async
def _workspace_id_for(user, ref: str | None) -> int | None:
    from apps.accounts.models import Membership

    memberships = Membership.objects.filter(user=user)
    if ref:
        memberships = (
            memberships.filter(workspace_id=int(ref)) if ref.isdigit() else memberships.filter(workspace__slug=ref)
        )
    membership = memberships.order_by("workspace__name").only("workspace_id").first()
    return membership.workspace_id if membership else None


class TrendsConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None

    async def connect(self):
        user = self.scope.get("user")
        if not origin_allowed(self.scope) or user is None or not user.is_authenticated:
            await self.close(code=4403)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        workspace_id = await _workspace_id_for(user, (query.get("workspace") or [None])[0])
        if workspace_id is None:
            await self.close(code=4404)
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
