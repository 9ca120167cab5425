"""Presence cannot be spoofed: the server writes each connection's own identity into the awareness
states it relays, keeps only #rrggbb colours, and ignores states for other connections' client ids.
Read-only users still show their cursor."""

from __future__ import annotations

import json

import pytest

from apps.collaboration import protocol
from apps.collaboration.selectors import presence_color

from .conftest import run_async
from .ycli import YClient

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_awareness_carries_the_senders_identity_and_a_safe_colour(live, post, writer, publisher, room_url):
    publisher.first_name, publisher.last_name = "Зоя", "Ли 李"
    publisher.save()
    owner_url, reader_url = room_url(live.ws_url, post, writer), room_url(live.ws_url, post, publisher)

    async def scenario():
        owner = await YClient(owner_url, name="owner").connect()
        await owner.set_awareness({"user": {"name": "Owner", "color": "#12ab9F"}})
        reader = await YClient(reader_url, name="reader").connect()  # read-only: publishers do not edit
        assert reader.denied
        await reader.set_awareness(
            {
                "user": {"id": writer.pk, "name": "The Writer", "color": "red;background:url(//evil.example/x)"},
                "cursor": {"anchor": {"type": {"client": 1, "clock": 2}}, "head": None},
            }
        )
        await owner.wait_for(lambda: reader.client_id in owner.awareness)
        state = json.loads(owner.awareness[reader.client_id][1])
        assert state["user"] == {"id": publisher.pk, "name": "Зоя Ли 李", "color": presence_color(publisher.pk)}
        assert state["cursor"]["anchor"] == {"type": {"client": 1, "clock": 2}}  # the cursor still shows
        # A valid colour of one's own choice is kept; the name is still the server's.
        await reader.wait_for(lambda: owner.client_id in reader.awareness)
        mine = json.loads(reader.awareness[owner.client_id][1])
        assert mine["user"] == {"id": writer.pk, "name": writer.get_full_name() or writer.username, "color": "#12ab9F"}

        # Speaking for another connection's client id (to move or remove their cursor) is ignored.
        clock = owner.awareness[reader.client_id][0]
        forged = protocol.awareness_payload([(owner.client_id, 99, "null"), (reader.client_id, clock + 1, "{}")])
        await reader.send_raw(protocol.awareness(forged))
        await owner.wait_for(lambda: owner.awareness[reader.client_id][0] == clock + 1)
        third = await YClient(reader_url, name="third").connect()
        await third.wait_for(lambda: owner.client_id in third.awareness)
        assert json.loads(third.awareness[owner.client_id][1])["user"]["id"] == writer.pk
        # A state that is not an object closes the sender only.
        await third.send_raw(protocol.awareness(protocol.awareness_payload([(third.client_id, 1, "[1, 2]")])))
        await third.closed.wait()
        assert third.close_code == 4400
        assert not owner.closed.is_set()
        await owner.close()
        await reader.close()

    run_async(scenario())
