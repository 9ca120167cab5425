"""The job websocket: a snapshot on connect, token deltas while a worker streams, cancel from the
browser side, and outsiders refused."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connection

from apps.generation.models import GenerationJob, JobStatus
from apps.generation.routing import websocket_urlpatterns
from apps.generation.services import generation_run

pytestmark = [pytest.mark.django_db(transaction=True)]

APP = URLRouter(websocket_urlpatterns)


def _run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API may have left a loop in this one."""
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _run_job(job_id: int) -> None:
    """What a worker does, in a thread; its database connection is closed so teardown can drop the DB."""
    try:
        generation_run(job_id=job_id)
    finally:
        connection.close()


def _communicator(user, job_id):
    communicator = WebsocketCommunicator(APP, f"/ws/generation/jobs/{job_id}/")
    communicator.scope["user"] = user
    return communicator


async def _collect_until_done(communicator, timeout=15.0):
    events = []
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        events.append(message)
        if message.get("event") == "status" and message["status"] in ("succeeded", "failed", "cancelled"):
            return events


def test_tokens_stream_to_the_socket_and_outsiders_are_refused(
    writer, outsider, workspace, item, openai_settings, fake_openai
):
    fake_openai.token_delay = 0.005
    job = GenerationJob.objects.create(workspace=workspace, item=item, created_by=writer, options={"image": False})

    async def scenario():
        intruder = _communicator(outsider, job.pk)
        connected, code = await intruder.connect()
        assert not connected and code == 4404
        communicator = _communicator(writer, job.pk)
        connected, _ = await communicator.connect()
        assert connected
        snapshot = await communicator.receive_json_from()
        assert snapshot["event"] == "snapshot" and snapshot["status"] == "queued"
        worker = threading.Thread(target=_run_job, args=(job.pk,))
        worker.start()
        events = await _collect_until_done(communicator)
        await asyncio.get_running_loop().run_in_executor(None, worker.join)
        await communicator.disconnect()
        return events

    events = _run(scenario())
    deltas = [e for e in events if e["event"] == "delta"]
    assert len(deltas) > 3  # remote tokens are sent as they come (batched only when sending falls behind)
    assert [d["seq"] for d in deltas] == sorted(d["seq"] for d in deltas)
    assert "".join(d["text"] for d in deltas).strip() == fake_openai.draft.strip()
    assert 0 < deltas[-1]["progress"] <= 0.95
    assert events[-1]["status"] == "succeeded" and events[-1]["post"]


def test_cancel_from_the_socket(writer, workspace, item, openai_settings, fake_openai):
    fake_openai.token_delay = 0.02
    job = GenerationJob.objects.create(workspace=workspace, item=item, created_by=writer, options={"image": False})

    async def scenario():
        communicator = _communicator(writer, job.pk)
        await communicator.connect()
        await communicator.receive_json_from()
        worker = threading.Thread(target=_run_job, args=(job.pk,))
        worker.start()
        while (await communicator.receive_json_from(timeout=10)).get("event") != "delta":
            pass
        await communicator.send_json_to({"action": "cancel"})
        events = await _collect_until_done(communicator)
        await asyncio.get_running_loop().run_in_executor(None, worker.join)
        await communicator.disconnect()
        return events

    events = _run(scenario())
    assert events[-1]["status"] == "cancelled"
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.post is None
    assert 0 < len(job.result_text) < len(fake_openai.draft)
