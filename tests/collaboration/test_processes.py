"""Durability and multi-process rooms with real uvicorn processes: kill -9 during a burst of edits,
and two processes serving the same post through channels-redis, healing a dropped message."""

from __future__ import annotations

import asyncio

import pytest

from apps.collaboration.services import document_build

from .conftest import run_async
from .ycli import YClient

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _texts(post_id: int) -> set[str]:
    doc = document_build(post_id=post_id)
    return {str(child.children[0]) for child in doc.get("default", type=__import__("pycrdt").XmlFragment).children}


def test_kill_9_during_a_burst_keeps_every_acknowledged_edit(uvicorn_process, post, writer, editor, room_url):
    server = uvicorn_process()
    port = server.port
    writer_url = room_url(server.ws_url, post, writer)
    observer_url = room_url(server.ws_url, post, editor)
    sent: list[str] = []

    async def burst():
        author = await YClient(writer_url, name="author").connect()
        observer = await YClient(observer_url, name="observer").connect()
        for i in range(400):
            if author.closed.is_set():
                break
            await author.add_paragraph(f"e{i}")
            sent.append(f"e{i}")
            if i == 120:
                server.kill()  # SIGKILL mid-burst: no flush, no goodbye
            await asyncio.sleep(0.002)
        await asyncio.wait_for(observer.closed.wait(), 5)
        # Acknowledged = relayed to a peer, which the server does only after the log write.
        acknowledged = set(observer.texts()) - {"Seed"}
        await observer.close()
        return author, acknowledged

    author, acknowledged = run_async(burst())
    assert len(acknowledged) > 20, "the burst reached the peer before the kill"

    restarted = uvicorn_process(port=port)
    fresh_url = room_url(restarted.ws_url, post, editor)

    async def after_restart():
        fresh = await YClient(fresh_url, name="fresh").connect()
        recovered = set(fresh.texts())
        # The author's unacknowledged (offline) edits merge when it reconnects.
        await author.connect()
        await fresh.wait_for(lambda: set(sent) <= set(fresh.texts()), timeout=10)
        await author.close()
        await fresh.close()
        return recovered

    recovered = run_async(after_restart())
    assert acknowledged <= recovered, sorted(acknowledged - recovered)
    assert set(sent) | {"Seed"} == _texts(post.pk)


def test_two_processes_share_a_room_and_heal_a_dropped_message(live, uvicorn_process, post, writer, editor, room_url):
    from apps.collaboration import room as room_module

    other = uvicorn_process()
    url_a = room_url(live.ws_url, post, writer)
    url_b = room_url(other.ws_url, post, editor)

    async def scenario():
        a = await YClient(url_a, name="a").connect()
        b = await YClient(url_b, name="b").connect()
        for i in range(10):
            await a.add_paragraph(f"a{i}")
            await b.add_paragraph(f"b{i}")
        await a.wait_for(lambda: len(a.fragment.children) == 21)
        await b.wait_for(lambda: len(b.fragment.children) == 21)
        assert str(a.fragment) == str(b.fragment)
        await b.set_awareness({"user": {"name": "b"}})
        await a.wait_for(lambda: b.client_id in a.awareness)

        # Drop a message: change process A's room directly, as if its group message never left.
        loop = next(lp for lp, reg in room_module._registries.items() if post.pk in reg.rooms)
        room = room_module._registries[loop].rooms[post.pk]
        scratch = YClient("ws://unused")
        scratch.doc.apply_update(room.doc.get_update())
        before = scratch.doc.get_state()
        from pycrdt import XmlElement, XmlFragment, XmlText

        scratch.doc.get("default", type=XmlFragment).children.append(XmlElement("paragraph", {}, [XmlText("healed")]))
        update = scratch.doc.get_update(before)

        async def inject():
            room.doc.apply_update(update)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(inject(), loop))
        await b.wait_for(lambda: "healed" in b.texts(), timeout=5)  # the periodic re-sync found it
        await a.close()
        await b.close()

    run_async(scenario())
