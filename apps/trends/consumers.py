"""The dashboard's live channel: members of a workspace join its group and hear when scores change.
The consumer only routes: authentication is ASGI middleware, membership comes from a selector."""

from __future__ import annotations

from apps.accounts.consumers import WorkspaceEventConsumer

from . import events


class TrendsConsumer(WorkspaceEventConsumer):
    def groups_for(self, workspace_id: int) -> list[str]:
        return [events.workspace_group(workspace_id)]

    async def trends_scores(self, event) -> None:
        await self.send_json({"type": "scores", "changed": event["changed"], "top": event["top"], "at": event["at"]})
