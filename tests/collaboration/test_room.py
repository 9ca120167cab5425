"""The room server over real websockets: convergence with a real Yjs client, read-only users,
garbage frames, access, the size limit, and the durable log behind it."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from apps.collaboration.models import DocumentCheckpoint, DocumentUpdate
from apps.collaboration.services import document_build
from apps.posts.document.ydoc import doc_to_json

from .conftest import run_async, run_node_client
from .ycli import YClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _texts(post_id: int) -> list[str]:
    doc = document_build(post_id=post_id)
    out = []
    for node in doc_to_json(doc)["content"]:
        out.append("".join(child.get("text", "") for child in node.get("content", [])))
    return out


def test_node_yjs_client_and_pycrdt_client_converge(live, post, writer, editor, room_url):
    node = run_node_client(
        {
            "url": f"{live.ws_url}/ws/posts",
            "room": f"{post.pk}/doc/",
            "token": room_url(live.ws_url, post, editor).split("token=")[1],
            "label": "node",
            "edits": 15,
            "intervalMs": 3,
            "expectParagraphs": 31,
            "timeoutMs": 20000,
        }
    )
    url = room_url(live.ws_url, post, writer)

    async def scenario():
        client = await YClient(url, name="py").connect()
        for i in range(15):
            await client.add_paragraph(f"py-{i}", at=i % 3)
            await asyncio.sleep(0.003)
        await client.wait_for(lambda: len(client.fragment.children) >= 31, timeout=20)
        await asyncio.sleep(0.2)
        result = str(client.fragment)
        await client.close()
        return result

    py_xml = run_async(scenario())
    out, err = node.communicate(timeout=30)
    assert node.returncode == 0, err
    node_xml = json.loads(out.strip().splitlines()[-1])["xml"]
    assert node_xml == py_xml
    texts = _texts(post.pk)
    assert sorted(texts) == sorted(["Seed"] + [f"py-{i}" for i in range(15)] + [f"node-{i}" for i in range(15)])
    # Every update went through the log before anyone saw it.
    assert DocumentUpdate.objects.filter(post=post).count() >= 30


def test_read_only_users_updates_never_reach_the_document(live, post, writer, publisher, room_url):
    owner_url, reader_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, publisher)

    async def scenario():
        owner = await YClient(owner_url, name="owner").connect()
        reader = await YClient(reader_url, name="reader").connect()
        assert reader.denied, "the read-only user is told so"
        await reader.add_paragraph("sneaky")
        await reader.set_awareness({"user": {"name": "reader"}})
        await owner.wait_for(lambda: len(owner.awareness) == 1)  # awareness is still relayed
        await owner.add_paragraph("real")
        await reader.wait_for(lambda: "real" in reader.texts())
        assert "sneaky" not in owner.texts()
        await owner.close()
        await reader.close()

    run_async(scenario())
    assert _texts(post.pk) == ["Seed", "real"]
    assert not DocumentUpdate.objects.filter(post=post, user=publisher).exists()


def test_garbage_frames_close_only_that_connection(live, post, writer, editor, room_url):
    garbage = [
        "a text frame",
        b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
        b"\x00\x02\x05ab",  # truncated update
        b"\x00\x02\x04\x01\x02\x03\x04",  # well framed, not a Yjs update
        b"\x01\x03\x01\x01\x01",  # broken awareness
        b"\x07",  # unknown message type
        b"",
    ]

    good_url, bad_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, editor)

    async def scenario():
        good = await YClient(good_url, name="good").connect()
        for frame in garbage:
            bad = await YClient(bad_url, name="bad").connect()
            await bad.send_raw(frame)
            await asyncio.wait_for(bad.closed.wait(), 5)
            assert bad.close_code == 4400, frame
        await good.add_paragraph("still fine")
        late = await YClient(bad_url, name="late").connect()
        await late.wait_for(lambda: "still fine" in late.texts())
        assert late.texts() == ["Seed", "still fine"]
        await good.close()
        await late.close()

    run_async(scenario())


def test_outsiders_anonymous_and_foreign_origins_are_refused(live, post, outsider, writer, room_url, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

    async def refused(url, **kwargs):
        with pytest.raises(websockets.InvalidStatus):
            async with websockets.connect(url, **kwargs):
                pass

    outsider_url, anonymous_url = room_url(live.ws_url, post, outsider), room_url(live.ws_url, post)
    writer_url = room_url(live.ws_url, post, writer)

    async def scenario():
        await refused(outsider_url)
        await refused(anonymous_url)
        await refused(writer_url, additional_headers={"Origin": "https://evil.example"})
        async with websockets.connect(writer_url, additional_headers={"Origin": live.url}):
            pass  # our own origin is fine
        await refused(f"{live.ws_url}/ws/posts/999999/doc/?token=nope")

    run_async(scenario())


def test_size_limit_refuses_growth_with_a_message(live, post, writer, room_url, settings):
    settings.COLLAB_MAX_DOCUMENT_BYTES = 4000

    url = room_url(live.ws_url, post, writer)

    async def scenario():
        client = await YClient(url).connect()
        await client.add_paragraph("small")
        await client.add_paragraph("x" * 5000)
        await asyncio.wait_for(client.closed.wait(), 5)
        assert client.close_code == 4413
        assert any("size limit" in reason for reason in client.denied)

    run_async(scenario())
    assert _texts(post.pk) == ["Seed", "small"]


def test_offline_edits_merge_and_awareness_leaves_with_the_connection(live, post, writer, editor, room_url):
    a_url, b_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, editor)

    async def scenario():
        a = await YClient(a_url, name="a").connect()
        b = await YClient(b_url, name="b").connect()
        await b.set_awareness({"user": {"name": "b"}})
        await a.wait_for(lambda: b.client_id in a.awareness)
        await b.close()
        await a.wait_for(lambda: b.client_id not in a.awareness, timeout=1)  # cursor gone within 1 s
        # b edits offline, a keeps editing; on reconnect both sides merge.
        b.fragment.children.append(
            __import__("pycrdt").XmlElement("paragraph", {}, [__import__("pycrdt").XmlText("offline")])
        )
        await a.add_paragraph("online")
        await b.connect()
        await a.wait_for(lambda: "offline" in a.texts())
        await b.wait_for(lambda: "online" in b.texts())
        assert str(a.fragment) == str(b.fragment)
        await a.close()
        await b.close()

    run_async(scenario())
    assert sorted(_texts(post.pk)) == ["Seed", "offline", "online"]


def test_compaction_folds_the_log_into_the_checkpoint(live, post, writer, room_url):
    from apps.collaboration.services import document_compact

    url = room_url(live.ws_url, post, writer)

    async def scenario():
        client = await YClient(url).connect()
        for i in range(20):
            await client.add_paragraph(f"p{i}")
        await asyncio.sleep(0.3)
        await client.close()

    run_async(scenario())
    before = _texts(post.pk)
    assert DocumentUpdate.objects.filter(post=post).count() == 20
    assert document_compact(post_id=post.pk, min_age_seconds=0) == 20
    assert DocumentUpdate.objects.filter(post=post).count() == 0
    checkpoint = DocumentCheckpoint.objects.get(post=post)
    assert checkpoint.updates_folded == 20
    assert _texts(post.pk) == before
