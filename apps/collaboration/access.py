"""Open live-editing sockets follow access changes (apps.posts.access_events).

Document connections have no channel of their own (see PostDocumentConsumer.channel_layer_alias), so
each process (event loop) keeps one `AccessWatcher`: one channel on the default layer, joined to the
access groups of the posts and workspaces that have open connections here, which hands each message
to the connections it concerns."""

from __future__ import annotations

import asyncio
import logging

from channels.layers import get_channel_layer

from .layer import receive_forever

logger = logging.getLogger(__name__)


class AccessWatcher:
    def __init__(self) -> None:
        self.channel = ""
        self.sockets: dict[str, set] = {}
        self._task: asyncio.Task | None = None
        self._lock = asyncio.Lock()

    async def add(self, consumer, groups: list[str]) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        async with self._lock:
            if not self.channel:
                self.channel = await layer.new_channel()
                self._task = asyncio.get_running_loop().create_task(self._listen(layer))
            for group in groups:
                members = self.sockets.setdefault(group, set())
                if not members:
                    await layer.group_add(group, self.channel)
                members.add(consumer)

    async def remove(self, consumer, groups: list[str]) -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        async with self._lock:
            for group in groups:
                members = self.sockets.get(group)
                if members is None:
                    continue
                members.discard(consumer)
                if not members:
                    del self.sockets[group]
                    try:
                        await layer.group_discard(group, self.channel)
                    except Exception:
                        logger.warning("could not leave access group %s", group, exc_info=True)

    async def _listen(self, layer) -> None:
        async for message in receive_forever(layer, self.channel, what="access"):
            for consumer in list(self.sockets.get(message.get("group", ""), ())):
                try:
                    await consumer.access_changed(message)
                except Exception:
                    logger.exception("access re-check failed")


_watchers: dict[asyncio.AbstractEventLoop, AccessWatcher] = {}


def access_watcher() -> AccessWatcher:
    loop = asyncio.get_running_loop()
    watcher = _watchers.get(loop)
    if watcher is None:
        for stale in [old for old in _watchers if old.is_closed()]:
            del _watchers[stale]
        watcher = _watchers[loop] = AccessWatcher()
    return watcher
