"""Live-editing figures for Prometheus (found by apps.core.metrics.discover).

Rooms and connections are gauges this process refreshes whenever a connection joins or leaves (summed
over the live processes in multiprocess mode); frames and edit-to-peer latency are counted by the
consumer. Edit-to-peer latency is the server's share: from a document update's arrival to its fan-out
to the room's other connections here and its publication to the other processes."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from apps.core.metrics import PREFIX

from . import room as room_module

ROOMS = Gauge(f"{PREFIX}_collab_rooms", "Live-editing rooms open.", multiprocess_mode="livesum")
CONNECTIONS = Gauge(f"{PREFIX}_collab_connections", "Live-editing websocket connections.", multiprocess_mode="livesum")
FRAMES = Counter(f"{PREFIX}_collab_frames", "Websocket frames received from live-editing clients.")
FRAME_BYTES = Counter(f"{PREFIX}_collab_frame_bytes", "Bytes of the frames received from live-editing clients.")
EDIT_TO_PEER = Histogram(
    f"{PREFIX}_collab_edit_to_peer_seconds",
    "From a document update's arrival to its delivery to the room's peers.",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)


def refresh() -> None:
    registries = [reg for loop, reg in list(room_module._registries.items()) if not loop.is_closed()]
    ROOMS.set(room_module.open_rooms())
    CONNECTIONS.set(sum(len(r.connections) for reg in registries for r in list(reg.rooms.values())))


def frame(size: int) -> None:
    FRAMES.inc()
    FRAME_BYTES.inc(size)
