"""Websocket test helpers: a session cookie, a communicator that sends what a browser sends, and a
runner for the async scenario on its own event loop in a worker thread (so a test also passes in a
process where Playwright's sync API already holds the main thread's loop)."""

from __future__ import annotations

import asyncio
import threading

from channels.testing import WebsocketCommunicator
from django.test import Client

from config.asgi import application


def run_in_thread(coro_fn, timeout: float = 30):
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coro_fn())
        except BaseException as exc:  # re-raised in the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout)
    if "error" in outcome:
        raise outcome["error"]
    assert "value" in outcome, f"the websocket scenario did not finish in {timeout:g} s"
    return outcome["value"]


def session_cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


def communicator(cookie: bytes | None, path: str) -> WebsocketCommunicator:
    """Build it inside the scenario's loop: the communicator binds its application future on creation.
    A browser sends its Origin and the Host it opened the socket on (the Origin check compares both)."""
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")] + ([(b"cookie", cookie)] if cookie else [])
    return WebsocketCommunicator(application, path, headers=headers)
