"""Hostile frames cannot hurt a room: updates nested deeper than any editor goes (built by hand and by
real yjs), deep values inside updates, references that do not resolve, awareness nested 200,000 deep.
Each closes only the sender's connection with 4400, before the document or the update log sees it;
the room, its other users and the server process carry on."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
from pathlib import Path

import pytest
import websockets
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from apps.collaboration import protocol, yupdate
from apps.collaboration.models import DocumentUpdate
from apps.collaboration.protocol import write_var_bytes as vbytes
from apps.collaboration.protocol import write_var_uint as vuint

from .conftest import NODE_MODULES, run_async
from .ycli import YClient

HERE = Path(__file__).resolve().parent


def yjs(options: dict) -> dict:
    """Updates made by the real yjs library (yjs_updates.cjs)."""
    result = subprocess.run(
        ["node", str(HERE / "yjs_updates.cjs"), json.dumps(options)],
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def nested_arrays(depth: int, *, client: int = 777, clock: int = 0, parent: tuple[int, int] | None = None) -> bytes:
    """One v1 update: Y.Arrays each inside the previous one, `depth` levels under the root "a" (or under
    the existing type item `parent`), every item naming its parent explicitly."""
    out = bytearray(vuint(1) + vuint(depth) + vuint(client) + vuint(clock))
    for i in range(depth):
        out.append(7)  # info byte: ContentType, no origins
        if i == 0 and parent is None:
            out += vuint(1) + vbytes(b"a")
        elif i == 0:
            out += vuint(0) + vuint(parent[0]) + vuint(parent[1])
        else:
            out += vuint(0) + vuint(client) + vuint(clock + i - 1)
        out += vuint(0)  # YArray
    out += vuint(0)  # empty delete set
    return bytes(out)


def nested_any(depth: int, *, client: int = 778) -> bytes:
    """One v1 update: a ContentAny in the root array "a" holding lists nested `depth` levels."""
    value = bytes([117, 1]) * depth + bytes([126])  # [[[...null...]]]
    return (
        vuint(1)
        + vuint(1)
        + vuint(client)
        + vuint(0)
        + bytes([8])
        + vuint(1)
        + vbytes(b"a")
        + vuint(1)
        + value
        + vuint(0)
    )


# ----- the checker alone (fast, no server)


def test_real_editor_documents_and_edits_pass_with_their_true_depth():
    made = yjs({"kind": "editor", "paragraphs": 300})
    state = base64.b64decode(made["state"])
    # fragment > blockquote > bulletList > listItem > orderedList > listItem > paragraph > text
    assert yupdate.check_update(state, yupdate.DepthIndex(), record=False) == 7
    index = yupdate.build_index(state)
    doc = Doc()
    doc.apply_update(state)
    for edit in made["edits"]:
        update = base64.b64decode(edit)
        yupdate.check_update(update, index)
        doc.apply_update(update)
    # pycrdt's own re-encoding of the same document reads the same.
    assert yupdate.check_update(doc.get_update(), yupdate.DepthIndex(), record=False) == 7


def test_pycrdt_documents_with_text_in_many_scripts_pass():
    doc = Doc()
    fragment = doc.get("default", type=XmlFragment)
    for text in ["Привет, мир", "漢字かな", "مرحبا", "שלום", "👩‍👩‍👧 🇺🇦 👍🏽", "e\u0301"]:
        fragment.children.append(XmlElement("paragraph", {}, [XmlText(text)]))
    index = yupdate.build_index(doc.get_update())
    before = doc.get_state()
    fragment.children[4].children[0].insert(2, "✍️ typed", {"bold": True})
    assert yupdate.check_update(doc.get_update(before), index) == 0


@pytest.mark.parametrize("depth", [64, 65, 6000, 100_000])
def test_nesting_beyond_the_limit_is_refused(depth):
    update = nested_arrays(depth)
    if depth <= yupdate.limit("MAX_NESTING_DEPTH"):
        assert yupdate.check_update(update, yupdate.DepthIndex()) == depth
    else:
        with pytest.raises(yupdate.UpdateRejected, match="nested deeper"):
            yupdate.check_update(update, yupdate.DepthIndex())


def test_nesting_built_up_over_several_updates_is_refused():
    index = yupdate.DepthIndex()
    yupdate.check_update(nested_arrays(60), index)
    with pytest.raises(yupdate.UpdateRejected):
        yupdate.check_update(nested_arrays(10, clock=60, parent=(777, 59)), index)
    yupdate.check_update(nested_arrays(4, clock=60, parent=(777, 59)), index)  # up to 64 is fine


def test_deep_values_unknown_references_and_cycles_are_refused():
    with pytest.raises(yupdate.UpdateRejected, match="too deeply"):
        yupdate.check_update(nested_any(200_000), yupdate.DepthIndex())
    yupdate.check_update(nested_any(5), yupdate.DepthIndex())
    with pytest.raises(yupdate.UpdateRejected, match="does not have"):
        yupdate.check_update(nested_arrays(3, parent=(999, 5)), yupdate.DepthIndex())
    # Two items each naming the other as its parent.
    cycle = vuint(1) + vuint(2) + vuint(5) + vuint(0)
    cycle += bytes([7]) + vuint(0) + vuint(5) + vuint(1) + vuint(0)
    cycle += bytes([7]) + vuint(0) + vuint(5) + vuint(0) + vuint(0) + vuint(0)
    with pytest.raises(yupdate.UpdateRejected, match="cycle"):
        yupdate.check_update(cycle, yupdate.DepthIndex())
    with pytest.raises(protocol.ProtocolError):
        yupdate.check_update(b"\x01\x01\x05\x00\x07", yupdate.DepthIndex())  # truncated


def test_awareness_nested_200000_deep_is_a_protocol_error_not_a_crash():
    state = "[" * 200_000 + "]" * 200_000
    with pytest.raises(protocol.ProtocolError, match="too deeply"):
        protocol.parse_awareness(protocol.awareness_payload([(1, 1, state)]))
    assert protocol.parse_awareness(protocol.awareness_payload([(1, 1, '{"user":{"name":"Ада"}}')]))


# ----- over a real websocket


async def _rejected(url: str, frame: bytes) -> YClient:
    bad = await YClient(url, name="bad").connect()
    await bad.send_raw(frame)
    await asyncio.wait_for(bad.closed.wait(), 10)
    return bad


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_yjs_nesting_6000_deep_is_refused_before_the_log_and_peers(live, post, writer, editor, room_url):
    deep = base64.b64decode(yjs({"kind": "deep", "depth": 6000})["update"])
    shallow = base64.b64decode(yjs({"kind": "deep", "depth": 20})["update"])
    good_url, bad_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, editor)

    async def scenario():
        good = await YClient(good_url, name="good").connect()
        received = good.received_updates
        for frame in (protocol.sync_update(deep), protocol.sync_step2(deep)):
            bad = await _rejected(bad_url, frame)
            assert bad.close_code == 4400
        await asyncio.sleep(0.2)
        assert good.received_updates == received, "nothing was relayed"
        assert not good.closed.is_set()
        # Nesting an editor could make is accepted, logged and relayed.
        ok = await YClient(bad_url, name="ok").connect()
        await ok.send_raw(protocol.sync_update(shallow))
        await good.wait_for(lambda: good.received_updates > received)
        await good.add_paragraph("still fine")
        await ok.wait_for(lambda: "still fine" in ok.texts())
        await good.close()
        await ok.close()

    run_async(scenario())
    assert DocumentUpdate.objects.filter(post=post, user=editor).count() == 1  # only the shallow one


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deep_values_and_unresolvable_updates_close_only_the_sender(live, post, writer, editor, room_url):
    good_url, bad_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, editor)
    frames = [
        protocol.sync_update(nested_any(100_000)),
        protocol.sync_update(nested_arrays(3, parent=(4242, 7))),
        protocol.awareness(protocol.awareness_payload([(9, 1, "[" * 30_000 + "]" * 30_000)])),
    ]

    async def scenario():
        good = await YClient(good_url, name="good").connect()
        for frame in frames:
            bad = await _rejected(bad_url, frame)
            assert bad.close_code == 4400, frame[:20]
        await good.add_paragraph("after")
        late = await YClient(bad_url, name="late").connect()
        await late.wait_for(lambda: "after" in late.texts())
        assert late.texts() == ["Seed", "after"]
        await good.close()
        await late.close()

    run_async(scenario())
    assert not DocumentUpdate.objects.filter(post=post, user=editor).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_ordinary_big_document_from_real_yjs_is_accepted(live, post, writer, editor, room_url):
    made = yjs({"kind": "editor", "paragraphs": 1500})
    state = base64.b64decode(made["state"])
    writer_url, editor_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, editor)

    async def scenario():
        sender = await YClient(writer_url, name="sender").connect()
        await sender.send_raw(protocol.sync_step2(state))
        for edit in made["edits"]:
            await sender.send_raw(protocol.sync_update(base64.b64decode(edit)))
        reader = await YClient(editor_url, name="reader").connect()
        reference = Doc()
        reference.apply_update(state)
        for edit in made["edits"]:
            reference.apply_update(base64.b64decode(edit))
        want = str(reference.get("default", type=XmlFragment))
        await reader.wait_for(lambda: want in str(reader.fragment), timeout=20)
        assert not sender.closed.is_set()
        await sender.close()
        await reader.close()

    run_async(scenario())


@pytest.mark.postgres
def test_the_server_process_survives_nesting_100000_deep(uvicorn_process, post, writer, editor, room_url):
    """The frame that used to kill the whole process (every room on it) now closes one connection."""
    server = uvicorn_process()
    frame = protocol.sync_update(nested_arrays(100_000))
    good_url, bad_url = room_url(server.ws_url, post, writer), room_url(server.ws_url, post, editor)

    async def scenario():
        good = await YClient(good_url, name="good").connect()
        bad = await _rejected(bad_url, frame)
        assert bad.close_code == 4400
        bad = await _rejected(bad_url, protocol.sync_step2(nested_arrays(100_000)))
        assert bad.close_code == 4400
        await good.add_paragraph("alive")
        late = await YClient(bad_url, name="late").connect()
        await late.wait_for(lambda: "alive" in late.texts())
        await good.close()
        await late.close()

    run_async(scenario())
    assert server.proc.poll() is None, "the server process is still running"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_awareness_nested_200000_deep_closes_cleanly(live, post, writer, room_url, settings):
    settings.COLLAB_MAX_AWARENESS_BYTES = 1024 * 1024  # let it reach the parser
    state = "[" * 200_000 + "]" * 200_000
    url = room_url(live.ws_url, post, writer)

    async def scenario():
        bad = await _rejected(url, protocol.awareness(protocol.awareness_payload([(5, 1, state)])))
        assert bad.close_code == 4400  # not 1006
        assert "nested" in (bad.ws.close_reason or "")

    run_async(scenario())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_garbage_text_frame_gets_a_reason(live, post, writer, room_url):
    url = room_url(live.ws_url, post, writer)

    async def scenario():
        async with websockets.connect(url, compression=None) as ws:
            await ws.send("hello")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd.code == 4400
            assert closed.value.rcvd.reason == "binary frames only"

    run_async(scenario())
