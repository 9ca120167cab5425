"""The y-websocket wire protocol (y-protocols sync + awareness, lib0 varint encoding), decoded strictly:
a frame that does not parse exactly raises ProtocolError, which closes only that connection."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3

SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2

EMPTY_UPDATE = b"\x00\x00"


class ProtocolError(ValueError):
    pass


def write_var_uint(num: int) -> bytes:
    out = bytearray()
    while num > 127:
        out.append(0x80 | (num & 0x7F))
        num >>= 7
    out.append(num)
    return bytes(out)


def write_var_bytes(data: bytes) -> bytes:
    return write_var_uint(len(data)) + data


class _Reader:
    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def var_uint(self) -> int:
        num = 0
        shift = 0
        while True:
            if self.pos >= len(self.data):
                raise ProtocolError("truncated varint")
            byte = self.data[self.pos]
            self.pos += 1
            num |= (byte & 0x7F) << shift
            if byte < 0x80:
                return num
            shift += 7
            if shift > 53:  # lib0 varints are JavaScript safe integers
                raise ProtocolError("varint too long")

    def var_bytes(self) -> bytes:
        length = self.var_uint()
        end = self.pos + length
        if end > len(self.data):
            raise ProtocolError("truncated payload")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def done(self) -> bool:
        return self.pos == len(self.data)


@dataclass(frozen=True, slots=True)
class SyncMessage:
    step: int  # SYNC_STEP1 / SYNC_STEP2 / SYNC_UPDATE
    payload: bytes  # a state vector for step 1, an update otherwise


@dataclass(frozen=True, slots=True)
class AwarenessMessage:
    payload: bytes
    # (client id, clock, state JSON text) per entry; "null" means the client left.
    entries: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class QueryAwarenessMessage:
    pass


Message = SyncMessage | AwarenessMessage | QueryAwarenessMessage


# Awareness states are small flat objects (y-prosemirror: a user and a cursor, four levels at most).
MAX_JSON_DEPTH = 32


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply brackets nest in a JSON text (strings skipped), found without parsing or recursion,
    so that a hostile text nested 200,000 levels deep never reaches json.loads."""
    depth = deepest = 0
    for char in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        if char == "[" or char == "{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest


def loads_shallow(text: str, *, max_depth: int = MAX_JSON_DEPTH):
    """json.loads for untrusted text: ProtocolError if it nests deeper than max_depth or is not JSON."""
    if ("[" in text or "{" in text) and json_depth(text) > max_depth:
        raise ProtocolError("JSON nested too deeply")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("not JSON") from exc


def parse_awareness(payload: bytes) -> tuple[tuple[int, int, str], ...]:
    reader = _Reader(payload)
    count = reader.var_uint()
    if count > 10_000:
        raise ProtocolError("too many awareness entries")
    entries = []
    for _ in range(count):
        client_id = reader.var_uint()
        clock = reader.var_uint()
        raw = reader.var_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError("awareness state is not UTF-8") from exc
        loads_shallow(text)
        entries.append((client_id, clock, text))
    if not reader.done():
        raise ProtocolError("trailing bytes in awareness update")
    return tuple(entries)


def decode(frame: bytes, *, max_awareness_bytes: int | None = None) -> list[Message]:
    """All messages in one websocket frame (y-websocket sends one, but concatenation is legal).
    An awareness message over `max_awareness_bytes` is refused before its states are read."""
    reader = _Reader(frame)
    messages: list[Message] = []
    if not frame:
        raise ProtocolError("empty frame")
    while not reader.done():
        kind = reader.var_uint()
        if kind == MESSAGE_SYNC:
            step = reader.var_uint()
            if step not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
                raise ProtocolError("unknown sync step")
            messages.append(SyncMessage(step, reader.var_bytes()))
        elif kind == MESSAGE_AWARENESS:
            payload = reader.var_bytes()
            if max_awareness_bytes is not None and len(payload) > max_awareness_bytes:
                raise ProtocolError("awareness state too large")
            messages.append(AwarenessMessage(payload, parse_awareness(payload)))
        elif kind == MESSAGE_QUERY_AWARENESS:
            messages.append(QueryAwarenessMessage())
        else:
            raise ProtocolError(f"unknown message type {kind}")
    return messages


def sync_step1(state_vector: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_STEP1]) + write_var_bytes(state_vector)


def sync_step2(update: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_STEP2]) + write_var_bytes(update)


def sync_update(update: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, SYNC_UPDATE]) + write_var_bytes(update)


def awareness(payload: bytes) -> bytes:
    return bytes([MESSAGE_AWARENESS]) + write_var_bytes(payload)


def awareness_payload(entries: list[tuple[int, int, str]]) -> bytes:
    out = bytearray(write_var_uint(len(entries)))
    for client_id, clock, state in entries:
        out += write_var_uint(client_id) + write_var_uint(clock) + write_var_bytes(state.encode())
    return bytes(out)


def permission_denied(reason: str) -> bytes:
    """y-protocols/auth "permission denied": y-websocket hands the reason to its permission handler."""
    return bytes([MESSAGE_AUTH, 0]) + write_var_bytes(reason.encode())
