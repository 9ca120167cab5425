"""The websocket a browser watches a generation on: a snapshot on connect, then status and token
deltas as the worker streams them; the browser can send {"action": "cancel"}."""

from __future__ import annotations

from channels.db import database_sync_to_async

from apps.core.consumers import CLOSE_NOT_FOUND, EventConsumer
from apps.core.errors import Conflict, Forbidden, NotFound

from .events import group_for_job
from .models import JobKind
from .selectors import job_for_user
from .services import generation_cancel
from .streaming import partial_get


@database_sync_to_async
def _snapshot(user, job_id: int) -> dict | None:
    try:
        job = job_for_user(user=user, pk=job_id)
    except NotFound:
        return None
    text = job.result_text if job.is_finished else (partial_get(job.pk) or "")
    return {
        "event": "snapshot",
        "job": job.pk,
        "status": job.status,
        "text": text,
        "error": job.error,
        "post": job.post_id if job.kind == JobKind.GENERATE else None,
        "kind": job.kind,
    }


@database_sync_to_async
def _cancel(user, job_id: int) -> dict:
    try:
        job = generation_cancel(user=user, job=job_for_user(user=user, pk=job_id))
    except (Conflict, Forbidden, NotFound) as exc:
        return {"event": "error", "error": getattr(exc, "message", None) or str(exc)}
    return {"event": "cancel_requested", "status": job.status}


class GenerationJobConsumer(EventConsumer):
    snapshot: dict | None = None

    async def authorize(self, user) -> list[str] | int:
        self.job_id = int(self.scope["url_route"]["kwargs"]["job_id"])
        self.snapshot = await _snapshot(user, self.job_id)
        return CLOSE_NOT_FOUND if self.snapshot is None else [group_for_job(self.job_id)]

    async def accepted(self) -> None:
        await self.send_json(self.snapshot)

    async def command(self, content) -> None:
        if isinstance(content, dict) and content.get("action") == "cancel":
            await self.send_json(await _cancel(self.scope["user"], self.job_id))

    async def generation_event(self, event) -> None:
        await self.send_json(event["payload"])
