"""Live editing on whatever database is configured: the update log goes through the configured
database (psycopg group commit on PostgreSQL, one ORM bulk_create per batch elsewhere, e.g. the
embedded SQLite default), with the update log on and with write-behind, across an idle unload and a
reload of the room from the log. These tests run on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.db import connection
from pycrdt import XmlFragment

from apps.collaboration.models import DocumentUpdate
from apps.collaboration.room import open_rooms
from apps.collaboration.services import document_build
from apps.collaboration.store import UpdateLog
from apps.posts.models import Revision

from .conftest import run_async
from .ycli import YClient

pytestmark = [pytest.mark.django_db(transaction=True)]

# Text in several scripts: Cyrillic, CJK, Arabic, emoji with ZWJ and skin tone, a combining accent.
LINES = [
    "Привет, мир — живая правка",
    "日本語のテキスト",
    "مرحبا بالعالم",
    "👩‍💻 пишет 👍🏽 и 🇺🇦",
    "e\u0301te\u0301 cafe\u0301",
]


def _texts(post_id: int) -> list[str]:
    """The paragraphs of the document the log holds (checkpoint + rows), as the clients read them."""
    fragment = document_build(post_id=post_id).get("default", type=XmlFragment)
    return [str(child.children[0]) for child in fragment.children if len(child.children)]


def _wait_unloaded(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while open_rooms() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not open_rooms(), "the idle room was not unloaded"


def test_the_log_takes_the_path_of_the_configured_database():
    assert UpdateLog.uses_psycopg() is (connection.vendor == "postgresql")


def test_two_editors_converge_and_every_update_is_in_the_configured_database(live, post, writer, editor, room_url):
    url_w, url_e = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, editor)

    async def scenario():
        a = await YClient(url_w, name="writer").connect()
        b = await YClient(url_e, name="editor").connect()
        for i, line in enumerate(LINES):
            await a.add_paragraph(f"{line} (w{i})")
            await b.add_paragraph(f"{line} (e{i})")
        expected = 1 + 2 * len(LINES)
        await a.wait_for(lambda: len(a.fragment.children) == expected)
        await b.wait_for(lambda: len(b.fragment.children) == expected)
        assert str(a.fragment) == str(b.fragment)
        await a.close()
        await b.close()
        return sorted(a.texts())

    seen = run_async(scenario())
    # Every update was acknowledged only after it was written: the database has them all, in order.
    assert DocumentUpdate.objects.filter(post=post).count() >= 2 * len(LINES)
    assert sorted(_texts(post.pk)) == seen
    assert sorted(seen) == sorted(
        ["Seed"] + [f"{t} (w{i})" for i, t in enumerate(LINES)] + [f"{t} (e{i})" for i, t in enumerate(LINES)]
    )


@pytest.mark.parametrize("durable", [True, False], ids=["durable", "write-behind"])
def test_text_survives_the_idle_unload_and_reloads_from_the_log(live, post, writer, room_url, settings, durable):
    settings.COLLAB_DURABLE = durable
    url = room_url(live.ws_url, post, writer)
    revisions_before = Revision.objects.filter(post=post).count()

    async def write():
        client = await YClient(url).connect()
        for line in LINES:
            await client.add_paragraph(line)
        await asyncio.sleep(0.2)
        await client.close()

    run_async(write())
    _wait_unloaded()
    # The room wrote everything before unloading; a fresh room loads it back from the log.
    assert _texts(post.pk) == ["Seed", *LINES]

    async def reopen():
        client = await YClient(url, name="again").connect()
        texts = client.texts()
        await client.close()
        return texts

    assert run_async(reopen()) == ["Seed", *LINES]
    _wait_unloaded()
    # The idle unload snapshotted the live text into a Revision (the task runs eagerly in tests).
    deadline = time.monotonic() + 5
    while Revision.objects.filter(post=post).count() == revisions_before and time.monotonic() < deadline:
        time.sleep(0.05)
    post.refresh_from_db()
    for line in LINES:
        assert line in post.body_text


def test_group_commit_writes_a_burst_in_few_transactions(post, writer):
    log = UpdateLog()
    payloads = [f"{i}-{LINES[i % len(LINES)]}".encode() for i in range(200)]

    async def burst():
        await asyncio.gather(*(log.append(post_id=post.pk, user_id=writer.pk, data=p) for p in payloads))
        await log.close()
        return log.batches, log.rows

    batches, rows = run_async(burst())
    assert rows == len(payloads)
    assert batches < len(payloads) / 4, f"{batches} batches for {rows} rows: no group commit"
    stored = list(DocumentUpdate.objects.filter(post=post).order_by("id").values_list("data", "user_id"))
    assert [bytes(data) for data, _user in stored] == payloads
    assert {user for _data, user in stored} == {writer.pk}
