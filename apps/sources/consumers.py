"""The source pages' live channel: members of a workspace join its sources group and hear, as they
happen, the changes of its sources (apps.sources.events); the pages then re-read what changed."""

from __future__ import annotations

from apps.accounts.consumers import WorkspaceEventConsumer

from . import events


class SourcesConsumer(WorkspaceEventConsumer):
    forward = (events.SOURCE_CHANGED,)

    def groups_for(self, workspace_id: int) -> list[str]:
        return [events.workspace_group(workspace_id)]
