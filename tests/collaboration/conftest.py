"""Fixtures for live editing: a post, tokens, websocket URLs, uvicorn subprocesses, and a check that
every room is unloaded (and its log connection closed) after each test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from apps.accounts.models import ApiToken
from tests.factories import make_post

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "frontend" / "node_modules"


@pytest.fixture
def collab_settings(settings):
    settings.COLLAB_IDLE_SECONDS = 0.2
    settings.COLLAB_RESYNC_SECONDS = 0.5
    return settings


@pytest.fixture
def post(workspace, writer):
    return make_post(workspace=workspace, user=writer, title="Live post", text="Seed")


@pytest.fixture
def token_for():
    def make(user) -> str:
        return ApiToken.issue(user=user)[1]

    return make


@pytest.fixture
def room_url(token_for):
    def make(server_ws_url: str, post, user=None) -> str:
        url = f"{server_ws_url}/ws/posts/{post.pk}/doc/"
        return f"{url}?token={token_for(user)}" if user is not None else url

    return make


@pytest.fixture
def live(fresh_channel_layer, asgi_live_server, collab_settings):
    """The in-thread ASGI server; after the test, waits until its rooms are unloaded."""
    from apps.collaboration.room import open_rooms

    yield asgi_live_server
    deadline = time.monotonic() + 5
    while open_rooms() and time.monotonic() < deadline:
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class UvicornProcess:
    """config.asgi in its own process, pointed at the test database (for kill -9 and multi-process)."""

    def __init__(self, *, port: int | None = None, env: dict | None = None) -> None:
        from django.conf import settings as dj
        from django.db import connection

        self.port = port or free_port()
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"],
            "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": dj.REDIS_URL or os.environ.get("REDIS_URL", ""),
            "COLLAB_IDLE_SECONDS": "0.5",
            "COLLAB_RESYNC_SECONDS": "0.5",
            **(env or {}),
        }
        self.proc: subprocess.Popen | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> UvicornProcess:
        from apps.core.management.commands.devserver import websocket_options

        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
                "--lifespan",
                "off",
                *websocket_options(),
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("uvicorn exited")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("uvicorn did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def uvicorn_process(transactional_db):
    started: list[UvicornProcess] = []

    def make(**kwargs) -> UvicornProcess:
        server = UvicornProcess(**kwargs).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def run_node_client(options: dict, *, timeout: float = 30) -> subprocess.Popen:
    import json

    return subprocess.Popen(
        ["node", str(Path(__file__).with_name("node_client.cjs")), json.dumps(options)],
        env={**os.environ, "NODE_PATH": str(NODE_MODULES)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_async(coro):
    """asyncio.run in a worker thread: Playwright's sync API keeps an event loop running in the test
    thread once a browser test has run in the session."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
