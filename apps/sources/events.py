"""The sources app's live events (see apps.core.realtime): the members of a workspace hear when one of
its sources changes (a fetch started, finished or failed; paused, resumed, added, edited, deleted), so
the source pages update themselves."""

from __future__ import annotations

from django.utils import timezone

from apps.core.realtime import Event, fields, send_on_commit

CHANGES = ("added", "updated", "deleted", "paused", "resumed", "fetching", "fetched", "failed")
_COUNT = {"type": "integer", "minimum": 0}

SOURCE_CHANGED = Event(
    "sources.changed",
    fields(
        {
            "source": {"type": "integer"},
            "change": {"enum": list(CHANGES)},
            "status": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
        },
        # what a fetch brought: new items stored, entries another source already had
        {"new": _COUNT, "skipped": _COUNT},
    ),
)


def workspace_group(workspace_id: int) -> str:
    return f"sources-{workspace_id}"


def source_changed(*, workspace_id: int, source_id: int, change: str, status: str, **counts: int) -> None:
    """Tell the workspace's source pages, once the current transaction commits."""
    message = SOURCE_CHANGED.build(
        source=source_id, change=change, status=status, at=timezone.now().isoformat(), **counts
    )
    send_on_commit(workspace_group(workspace_id), message)
