"""Frame size and compression at the websocket server: one frame limit (the live editor's
MAX_FRAME_BYTES) for devserver, docker and the tests; no permessage-deflate, so an oversized frame
is refused from its header and leaves nothing behind (with deflate, five 40 MB frames that compress to
almost nothing grew the process by ~166 MB: each is inflated up to the limit before it is refused)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import websockets
from django.conf import settings

from apps.core.management.commands.devserver import websocket_options

from .conftest import run_async
from .ycli import YClient

ROOT = Path(__file__).resolve().parents[2]


def test_devserver_docker_and_the_test_servers_share_one_frame_limit():
    limit = settings.COLLAB_MAX_FRAME_BYTES
    assert websocket_options() == ["--ws-max-size", str(limit), "--ws-per-message-deflate", "false"]
    entrypoint = (ROOT / "docker" / "entrypoint.sh").read_text()
    assert f'--ws-max-size "${{COLLAB_MAX_FRAME_BYTES:-{limit}}}" --ws-per-message-deflate false' in entrypoint


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.postgres
def test_oversized_frames_are_refused_without_growing_the_process(uvicorn_process, post, writer, room_url):
    server = uvicorn_process()
    url = room_url(server.ws_url, post, writer)
    frame = b"\x00" * (40 * 1024 * 1024)  # deflates to ~40 KB

    async def scenario():
        good = await YClient(url, name="good").connect()
        before = _rss_mb(server.proc.pid)
        for _ in range(5):
            async with websockets.connect(url, compression="deflate", max_size=None) as ws:
                assert ws.protocol.extensions == [], "the server does not negotiate permessage-deflate"
                with pytest.raises(websockets.ConnectionClosed) as closed:
                    await ws.send(frame)  # the server may close while this is still sending
                    while True:
                        await asyncio.wait_for(ws.recv(), 20)
                assert closed.value.rcvd.code == 1009  # message too big
        grown = _rss_mb(server.proc.pid) - before
        assert grown < 40, f"the server grew by {grown:.0f} MB"
        await good.add_paragraph("still here")
        late = await YClient(url, name="late").connect()
        await late.wait_for(lambda: "still here" in late.texts())
        await good.close()
        await late.close()

    run_async(scenario())
    assert server.proc.poll() is None
