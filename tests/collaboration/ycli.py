"""A minimal y-websocket client on pycrdt (asyncio + websockets), used by the tests and benchmarks."""

from __future__ import annotations

import asyncio
import json
import time

import websockets
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from apps.collaboration import protocol


class YClient:
    def __init__(self, url: str, *, headers: dict | None = None, name: str = "py") -> None:
        self.url = url
        self.headers = headers or {}
        self.name = name
        self.doc = Doc()
        self.ws = None
        self.synced = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_code: int | None = None
        self.awareness: dict[int, tuple[int, str]] = {}
        self.denied: list[str] = []
        self.received_updates = 0
        self.on_update = None  # callback(update_bytes) for benchmarks
        self._reader: asyncio.Task | None = None
        self.client_id = self.doc.client_id
        self._clock = 0

    @property
    def fragment(self) -> XmlFragment:
        return self.doc.get("default", type=XmlFragment)

    async def connect(self, *, wait_synced: bool = True, timeout: float = 15) -> YClient:
        self.ws = await websockets.connect(
            self.url, additional_headers=self.headers, max_size=None, open_timeout=timeout, compression=None
        )
        self.synced = asyncio.Event()
        self.closed = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read())
        await self.ws.send(protocol.sync_step1(self.doc.get_state()))
        if wait_synced:
            await asyncio.wait_for(self.synced.wait(), timeout)
        return self

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                for message in protocol.decode(frame) if frame[:1] != b"\x02" else []:
                    await self._handle(message)
                if frame[:1] == b"\x02":
                    self.denied.append(frame[3:].decode(errors="replace"))
        except websockets.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.closed.set()

    async def _handle(self, message) -> None:
        if isinstance(message, protocol.SyncMessage):
            if message.step == protocol.SYNC_STEP1:
                await self.ws.send(protocol.sync_step2(self.doc.get_update(message.payload)))
            else:
                self.doc.apply_update(message.payload)
                self.received_updates += 1
                if message.step == protocol.SYNC_STEP2:
                    self.synced.set()
                if self.on_update is not None:
                    self.on_update(message.payload)
        elif isinstance(message, protocol.AwarenessMessage):
            for cid, clock, state in message.entries:
                if state == "null":
                    self.awareness.pop(cid, None)
                else:
                    self.awareness[cid] = (clock, state)

    async def edit(self, change) -> bytes:
        """Run change(doc) and send the resulting update."""
        before = self.doc.get_state()
        change(self.doc)
        update = self.doc.get_update(before)
        await self.ws.send(protocol.sync_update(update))
        return update

    async def add_paragraph(self, text: str, *, at: int | None = None) -> bytes:
        def change(doc):
            fragment = doc.get("default", type=XmlFragment)
            index = len(fragment.children) if at is None else min(at, len(fragment.children))
            fragment.children.insert(index, XmlElement("paragraph", {}, [XmlText(text)]))

        return await self.edit(change)

    async def set_awareness(self, state: dict | None) -> None:
        self._clock += 1
        payload = protocol.awareness_payload([(self.client_id, self._clock, json.dumps(state))])
        await self.ws.send(protocol.awareness(payload))

    async def send_raw(self, frame: bytes | str) -> None:
        await self.ws.send(frame)

    def texts(self) -> list[str]:
        return [str(child.children[0]) for child in self.fragment.children if len(child.children)]

    async def wait_for(self, predicate, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: condition not met; have {self.texts()[:10]}...")
            await asyncio.sleep(0.01)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
