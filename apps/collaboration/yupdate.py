"""Checks a Yjs update (v1 encoding) before it reaches a room's pycrdt document or the update log.

A hostile client can send updates that parse, apply and relay, and still hurt: shared types nested tens
of thousands of levels deep crash pycrdt (it recurses; ~50,000 levels segfault the whole process) and
break every Yjs client (yjs throws from about 5,000 levels). This module reads the update format
(yjs src/utils/encoding.js readClientsStructRefs, src/structs/*, lib0 readAny) without recursion,
computes how deep each new shared type sits and rejects what no editor produces.

The depth of a shared type is the number of shared types on its parent chain. An item either names its
parent (a root type by name, or the item that holds the parent type) or inherits the parent of its
left or right origin. An update may reference items already in the document, so each room keeps a
`DepthIndex`: for every client, runs of clocks whose items share one parent depth (compact, because
typing produces long runs). An update that references an item the index does not know is rejected;
the client's reconnect (sync step 2 against the room's state vector) or the room's periodic re-sync
sends it again with everything it depends on.
"""

from __future__ import annotations

import bisect
import logging
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings

from .protocol import ProtocolError, _Reader, json_depth

logger = logging.getLogger(__name__)


def limit(name: str) -> int:
    """COLLAB_MAX_NESTING_DEPTH / COLLAB_MAX_VALUE_DEPTH (config/settings/base.py)."""
    return int(getattr(settings, f"COLLAB_{name}"))


class UpdateRejected(ProtocolError):
    """The update decodes but must not be applied (too deep, unresolvable, unsupported content)."""


# Content refs (info & 0x1F), yjs src/structs/*.
GC, DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY, DOC, SKIP = range(11)
TYPE_XML_ELEMENT, TYPE_XML_HOOK = 3, 5
_IN_PROGRESS = -2
_UNRESOLVED = -3
_GC_DEPTH = -1  # items in a garbage-collected range: whatever refers to them is discarded too


def _text(reader: _Reader) -> str:
    raw = reader.var_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError("string is not UTF-8") from exc


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _check_json(text: str) -> None:
    if json_depth(text) > limit("MAX_VALUE_DEPTH"):
        raise UpdateRejected("JSON value nested too deeply")


def _skip_any(reader: _Reader) -> None:
    """Skip one lib0 `any` value; arrays and objects are walked with an explicit stack."""
    max_depth = limit("MAX_VALUE_DEPTH")
    # Each entry: [values still to read in this container, is_object]
    stack: list[list] = []
    while True:
        if reader.pos >= len(reader.data):
            raise ProtocolError("truncated value")
        tag = reader.data[reader.pos]
        reader.pos += 1
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            pass
        elif tag == 125:  # varint
            while True:
                if reader.pos >= len(reader.data):
                    raise ProtocolError("truncated varint")
                byte = reader.data[reader.pos]
                reader.pos += 1
                if byte < 0x80:
                    break
        elif tag == 124:
            reader.pos += 4
        elif tag in (123, 122):
            reader.pos += 8
        elif tag == 119:
            _text(reader)
        elif tag == 116:
            reader.var_bytes()
        elif tag in (118, 117):
            count = reader.var_uint()
            if count:
                if len(stack) >= max_depth:
                    raise UpdateRejected("value nested too deeply")
                stack.append([count, tag == 118])
                if tag == 118:
                    _text(reader)  # the first key
                continue
        else:
            raise ProtocolError("unknown value type")
        if reader.pos > len(reader.data):
            raise ProtocolError("truncated value")
        # One value done: close every container it completed, read the next key of an object.
        while stack:
            top = stack[-1]
            top[0] -= 1
            if top[0]:
                if top[1]:
                    _text(reader)
                break
            stack.pop()
        if not stack:
            return


@dataclass(slots=True)
class _Struct:
    client: int
    clock: int
    length: int
    is_type: bool = False
    gc: bool = False
    # How the parent is found: ("root",), ("parent", client, clock) or ("sibling", client, clock).
    ref: tuple = ()
    parent_depth: int | None = None


def _read_content(reader: _Reader, ref: int) -> tuple[int, bool]:
    """Skip an item's content; (its clock length, whether it is a shared type)."""
    if ref == DELETED:
        return reader.var_uint(), False
    if ref == JSON:
        count = reader.var_uint()
        for _ in range(count):
            text = _text(reader)
            if text != "undefined":
                _check_json(text)
        return count, False
    if ref == BINARY:
        reader.var_bytes()
        return 1, False
    if ref == STRING:
        return _utf16_length(_text(reader)), False
    if ref == EMBED:
        _check_json(_text(reader))
        return 1, False
    if ref == FORMAT:
        _text(reader)
        _check_json(_text(reader))
        return 1, False
    if ref == TYPE:
        type_ref = reader.var_uint()
        if type_ref > 6:
            raise ProtocolError("unknown shared type")
        if type_ref in (TYPE_XML_ELEMENT, TYPE_XML_HOOK):
            _text(reader)
        return 1, True
    if ref == ANY:
        count = reader.var_uint()
        for _ in range(count):
            _skip_any(reader)
        return count, False
    if ref == DOC:
        raise UpdateRejected("subdocuments are not supported")
    raise ProtocolError("unknown content type")


def read_structs(update: bytes) -> list[_Struct]:
    """Every struct of a v1 update (and a full check that the delete set that follows it parses)."""
    reader = _Reader(update)
    structs: list[_Struct] = []
    for _ in range(reader.var_uint()):
        count = reader.var_uint()
        client = reader.var_uint()
        clock = reader.var_uint()
        for _ in range(count):
            if reader.pos >= len(reader.data):
                raise ProtocolError("truncated update")
            info = reader.data[reader.pos]
            reader.pos += 1
            ref = info & 0x1F
            if ref == GC:
                length = reader.var_uint()
                structs.append(_Struct(client, clock, length, gc=True, parent_depth=_GC_DEPTH))
            elif ref == SKIP:
                length = reader.var_uint()
            else:
                origin = right = None
                if info & 0x80:
                    origin = ("sibling", reader.var_uint(), reader.var_uint())
                if info & 0x40:
                    right = ("sibling", reader.var_uint(), reader.var_uint())
                parent: tuple[Any, ...] | None
                if origin is None and right is None:
                    if reader.var_uint() == 1:
                        _text(reader)  # a root type's name
                        parent = ("root",)
                    else:
                        parent = ("parent", reader.var_uint(), reader.var_uint())
                    if info & 0x20:
                        _text(reader)  # parentSub (map key)
                else:
                    parent = cast(tuple[Any, ...], origin or right)
                length, is_type = _read_content(reader, ref)
                structs.append(_Struct(client, clock, length, is_type=is_type, ref=parent))
            if length <= 0 and ref != GC:
                raise ProtocolError("empty struct")
            clock += length
    # The delete set: per client, (clock, length) ranges.
    for _ in range(reader.var_uint()):
        reader.var_uint()
        for _ in range(reader.var_uint()):
            reader.var_uint()
            reader.var_uint()
    if not reader.done():
        raise ProtocolError("trailing bytes after the update")
    return structs


@dataclass
class DepthIndex:
    """Per client, sorted run starts and the parent depth of each run's items."""

    starts: dict[int, list[int]] = field(default_factory=dict)
    ends: dict[int, list[int]] = field(default_factory=dict)
    depths: dict[int, list[int]] = field(default_factory=dict)

    def lookup(self, client: int, clock: int) -> int | None:
        starts = self.starts.get(client)
        if not starts:
            return None
        at = bisect.bisect_right(starts, clock) - 1
        if at < 0 or clock >= self.ends[client][at]:
            return None
        return self.depths[client][at]

    def add(self, client: int, clock: int, length: int, depth: int) -> None:
        starts = self.starts.setdefault(client, [])
        ends = self.ends.setdefault(client, [])
        depths = self.depths.setdefault(client, [])
        if starts and clock >= ends[-1]:
            # The common case (a client's next items): extend the last run when contiguous and alike.
            if clock == ends[-1] and depths[-1] == depth:
                ends[-1] = clock + length
                return
            starts.append(clock)
            ends.append(clock + length)
            depths.append(depth)
            return
        at = bisect.bisect_right(starts, clock)
        if at and clock < ends[at - 1]:
            return  # already known (an update applied twice)
        starts.insert(at, clock)
        ends.insert(at, clock + length)
        depths.insert(at, depth)

    def runs(self) -> int:
        return sum(len(s) for s in self.starts.values())


class _Resolver:
    """Gives every struct of an update its parent depth, following references without recursion."""

    def __init__(self, structs: list[_Struct], index: DepthIndex, max_depth: int | None) -> None:
        self.structs = structs
        self.index = index
        self.max_depth = max_depth
        self.deepest = 0
        self.by_client: dict[int, list[_Struct]] = {}
        for struct in structs:
            self.by_client.setdefault(struct.client, []).append(struct)
        for items in self.by_client.values():
            items.sort(key=lambda s: s.clock)
        self.starts = {client: [s.clock for s in items] for client, items in self.by_client.items()}

    def local(self, client: int, clock: int) -> _Struct | None:
        items = self.by_client.get(client)
        if not items:
            return None
        at = bisect.bisect_right(self.starts[client], clock) - 1
        if at < 0:
            return None
        struct = items[at]
        return struct if clock < struct.clock + struct.length else None

    @staticmethod
    def below(kind: str, target_depth: int, target: _Struct | None) -> int:
        """The parent depth of an item whose reference of `kind` leads to an item at `target_depth`."""
        if target_depth == _GC_DEPTH or kind == "sibling":
            return target_depth
        if target is not None and not target.is_type and not target.gc:
            raise UpdateRejected("parent is not a shared type")
        return target_depth + 1

    def run(self, *, tolerant: bool = False) -> int:
        for first in self.structs:
            if first.parent_depth is not None:
                continue
            chain: list[_Struct] = []
            try:
                self.resolve_chain(first, chain)
            except UpdateRejected:
                if not tolerant:
                    raise
                for struct in chain:
                    struct.parent_depth = _UNRESOLVED
        return self.deepest

    def resolve_chain(self, current: _Struct, chain: list[_Struct]) -> None:
        # Follow references until one whose depth is known; chain[i] refers to chain[i + 1].
        while True:
            chain.append(current)
            current.parent_depth = _IN_PROGRESS
            kind = current.ref[0]
            if kind == "root":
                current.parent_depth = 0
                break
            _kind, client, clock = current.ref
            target = self.local(client, clock)
            if target is None:
                found = self.index.lookup(client, clock)
                if found is None:
                    raise UpdateRejected("update refers to content the room does not have")
                current.parent_depth = self.below(kind, found, None)
                break
            if target.parent_depth == _UNRESOLVED:
                raise UpdateRejected("update refers to content that does not resolve")
            if target.parent_depth == _IN_PROGRESS:
                raise UpdateRejected("update refers to itself in a cycle")
            if target.parent_depth is not None:
                current.parent_depth = self.below(kind, target.parent_depth, target)
                break
            current = target
        # Then assign back along the chain, checking each shared type's depth.
        for position in range(len(chain) - 1, -1, -1):
            struct = chain[position]
            if position < len(chain) - 1:
                target = chain[position + 1]
                assert target.parent_depth is not None  # assigned on the previous turn
                struct.parent_depth = self.below(struct.ref[0], target.parent_depth, target)
            depth = struct.parent_depth
            assert depth is not None  # the chain's end was resolved above
            if struct.is_type and depth >= 0 and depth + 1 > self.deepest:
                self.deepest = depth + 1
                if self.max_depth is not None and self.deepest > self.max_depth:
                    raise UpdateRejected(f"shared types nested deeper than {self.max_depth} levels")


def check_update(update: bytes, index: DepthIndex, *, record: bool = True) -> int:
    """Reject `update` if it nests shared types deeper than the limit, or refers to items neither it
    nor the index holds; otherwise add its items to the index (when `record`) and return the depth of
    its deepest shared type. Raises UpdateRejected, or ProtocolError when it does not decode."""
    structs = read_structs(update)
    deepest = _Resolver(structs, index, limit("MAX_NESTING_DEPTH")).run()
    if record:
        for struct in structs:
            # run() resolved every struct's depth
            index.add(struct.client, struct.clock, struct.length, cast(int, struct.parent_depth))
    return deepest


def build_index(state: bytes) -> DepthIndex:
    """The index of a whole stored document (its full state as an update), without the limit: what is
    stored already is indexed as it is, and only new nesting is refused."""
    index = DepthIndex()
    structs = read_structs(state)
    # Structs pycrdt keeps pending (their references are missing) stay out of the index.
    _Resolver(structs, index, None).run(tolerant=True)
    for struct in structs:
        if struct.parent_depth is not None and struct.parent_depth >= _GC_DEPTH:
            index.add(struct.client, struct.clock, struct.length, struct.parent_depth)
    return index


class RoomGuard:
    """The depth index of one room's document, kept current by observing every transaction on it
    (client updates, updates from other processes, the initial load), so that updates from any
    source resolve against what the document really holds."""

    def __init__(self, doc) -> None:
        self.doc = doc
        self.index = build_index(doc.get_update())
        self.subscription = doc.observe(self._observed)

    def _observed(self, event) -> None:
        try:
            structs = read_structs(event.update)
            _Resolver(structs, self.index, None).run(tolerant=True)
            for struct in structs:
                if struct.parent_depth is not None and struct.parent_depth >= _GC_DEPTH:
                    self.index.add(struct.client, struct.clock, struct.length, struct.parent_depth)
        except Exception:  # an observer must never break the room's transaction
            logger.exception("could not index an applied update")

    def check(self, update: bytes) -> None:
        """Raise UpdateRejected / ProtocolError unless `update` may be applied to the room's document.
        What is applied is indexed by the observer, so the check records nothing."""
        check_update(update, self.index, record=False)


def room_guard(room) -> RoomGuard:
    """The guard of a room (Room.guard), made on first use: building the index of a large document
    takes a moment, so it is built when the first connection or update needs it."""
    if room.guard is None or room.guard.doc is not room.doc:
        room.guard = RoomGuard(room.doc)
    return room.guard


def admit_remote_update(room, update: bytes) -> bool:
    """Hook for Room.apply_remote_update (an update from another process over the channel layer):
    False (and a log line) when it must not be applied; the periodic re-sync repairs what a dropped
    one carried."""
    try:
        room_guard(room).check(update)
    except ProtocolError as exc:
        logger.warning("dropping an update for post %s from the channel layer: %s", room.post_id, exc)
        return False
    return True
