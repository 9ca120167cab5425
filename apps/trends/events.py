"""The trends app's live events (see apps.core.realtime): the dashboard of a workspace hears when
scores change."""

from __future__ import annotations

from apps.core.realtime import Event, fields, send_on_commit


def workspace_group(workspace_id: int) -> str:
    return f"trends-{workspace_id}"


_TOP = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "score": {"type": "number"}},
        "required": ["id", "score"],
        "additionalProperties": False,
    },
}
TRENDS_SCORES = Event(
    "trends.scores",
    fields({"changed": {"type": "integer"}, "top": _TOP, "at": {"type": "string", "format": "date-time"}}),
)


def scores_changed(*, workspace_id: int, changed: int, top: list[tuple[int, float]], at) -> None:
    message = TRENDS_SCORES.build(
        changed=changed, top=[{"id": tid, "score": round(s, 4)} for tid, s in top], at=at.isoformat()
    )
    send_on_commit(workspace_group(workspace_id), message)
