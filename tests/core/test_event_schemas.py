"""The live events: every declared event is heard by some consumer, and the schemas are strict (the
suite-wide fixture in tests/conftest.py validates every message a test sends against them)."""

from __future__ import annotations

import inspect

import jsonschema
import pytest
from django.utils.module_loading import import_string

from apps.core import realtime
from apps.core.consumers import EventConsumer
from config.routing import websocket_urlpatterns


def _consumers() -> list[type]:
    out = []
    for pattern in websocket_urlpatterns:
        app = pattern.callback
        consumer = getattr(app, "consumer_class", None) or app
        if inspect.isclass(consumer):
            out.append(consumer)
    return out


def test_every_declared_event_reaches_a_socket():
    consumers = _consumers()
    assert consumers
    unheard = []
    for event in realtime.EVENTS.values():
        if event.type.startswith("test."):
            continue
        heard = any(
            event in getattr(consumer, "forward", ()) or hasattr(consumer, event.handler) for consumer in consumers
        )
        if not heard:
            unheard.append(event.type)
    assert unheard == []


def test_event_sockets_share_the_base_consumer():
    listeners = [c for c in _consumers() if c.__module__ != "apps.collaboration.consumers"]
    assert listeners and all(issubclass(c, EventConsumer) for c in listeners)


@pytest.mark.parametrize(
    "message",
    [
        {"type": "post.saved", "post_id": 1, "version": 2},  # revision missing
        {"type": "post.saved", "post_id": "1", "version": 2, "revision": None},  # an id as text
        {"type": "post.changed", "post_id": 1, "state": "draft", "extra": True},  # an undeclared field
        {"type": "generation.event", "payload": {"event": "delta", "job": 1}},  # sent_at missing
        {"type": "generation.event", "payload": {"event": "whatever", "job": 1, "sent_at": 0}},
        {"type": "trends.scores", "changed": 1, "top": [{"id": 1}], "at": "2026-12-01T10:00:00+00:00"},
        {"type": "nobody.declared.this"},
    ],
)
def test_wrong_messages_are_refused(message):
    with pytest.raises(jsonschema.ValidationError):
        realtime.validate(message)


def test_builders_make_valid_messages():
    events = import_string("apps.posts.events")
    message = events.POST_CHANGED.build(post_id=7, state="in_review", action="submit")
    assert realtime.validate(message) is events.POST_CHANGED
    generation = import_string("apps.generation.events")
    delta = generation.GENERATION_EVENT.build(
        payload={"event": "delta", "job": 3, "sent_at": 1.0, "text": "Привет 👩🏽‍💻"}
    )
    assert realtime.validate(delta) is generation.GENERATION_EVENT


def test_a_type_is_declared_once():
    with pytest.raises(ValueError):
        realtime.Event("post.saved", realtime.fields({}))
