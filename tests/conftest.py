"""Fixtures shared by the whole suite: named users per role, an outsider, API clients,
an in-process ASGI server (HTTP + websockets) and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from celery import Task
from celery.exceptions import Retry
from channels.layers import channel_layers
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from apps.accounts.roles import Role
from apps.core import realtime

from .factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    on_postgres = getattr(settings, "USING_POSTGRES", False)
    for item in items:
        if "postgres" in item.keywords and not on_postgres and not settings.ON_CI:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (runs on CI)"))
        if "browser" in item.keywords and not Path(CHROMIUM).exists():
            if settings.ON_CI:
                item.add_marker(pytest.mark.xfail(reason=f"{CHROMIUM} missing on CI", strict=True, run=False))
            else:
                item.add_marker(pytest.mark.skip(reason=f"{CHROMIUM} not installed"))


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """LocaleMiddleware activates the request's language in the thread and never deactivates it,
    so a test that requested a Russian page would leave the next test on the same worker in
    Russian. Each test starts, and ends, in the project's default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """channels-redis binds its receive lock to the first event loop that receives on it, and a test's
    communicator or server runs a loop of its own: each test starts with new layer instances, so a
    receive an earlier test left behind on another loop cannot refuse this one's."""
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _events_match_their_schemas(monkeypatch):
    """Every live event any test sends is checked against the schema its app declared
    (apps.core.realtime.Event): an undeclared type or a wrong field fails the test that sent it."""
    send = realtime.send

    def checked(group: str, message: dict) -> None:
        realtime.validate(message)
        send(group, message)

    monkeypatch.setattr(realtime, "send", checked)


@pytest.fixture(autouse=True)
def _eager_retries_run_in_place(monkeypatch):
    """A worker runs a task's retry later. In eager mode CELERY_TASK_EAGER_PROPAGATES raises the Retry
    to the caller instead, so a task that retries (generation.run) would fail the test: run the retry in
    place, without the wait, as Celery's own eager path does when it does not propagate."""
    apply = Task.apply

    def apply_with_retries(self, args=None, kwargs=None, *more, retries=None, **options):
        try:
            return apply(self, args, kwargs, *more, retries=retries, **options)
        except Retry as retry:
            if retry.sig is None:
                raise
            return retry.sig.apply(retries=(retries or 0) + 1)

    monkeypatch.setattr(Task, "apply", apply_with_retries)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def workspace(db):
    return WorkspaceFactory(name="Newsroom", slug="newsroom")


@pytest.fixture
def other_workspace(db):
    return WorkspaceFactory(name="Other Team", slug="other-team")


@pytest.fixture
def members(workspace):
    """One user per role in `workspace`: members["writer"], ["editor"], ["publisher"], ["admin"]."""
    return {
        role.value: MembershipFactory(workspace=workspace, user=UserFactory(username=role.value), role=role.value).user
        for role in Role
    }


@pytest.fixture
def writer(members):
    return members["writer"]


@pytest.fixture
def editor(members):
    return members["editor"]


@pytest.fixture
def publisher(members):
    return members["publisher"]


@pytest.fixture
def admin_member(members):
    return members["admin"]


@pytest.fixture
def outsider(other_workspace):
    """An admin of another workspace: must get 404 on everything in `workspace`."""
    return MembershipFactory(workspace=other_workspace, user=UserFactory(username="outsider"), role=Role.ADMIN).user


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_client_for():
    """api_client_for(user) -> an APIClient sending that user's bearer token."""

    def make(user, workspace=None):
        _token, key = ApiToken.issue(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        if workspace is not None:
            client.defaults["HTTP_X_WORKSPACE"] = str(workspace.pk)
        return client

    return make


@pytest.fixture
def client_for(client):
    """client_for(user) -> Django's test client logged in as that user (session auth)."""

    def make(user):
        from django.test import Client

        c = Client()
        c.force_login(user)
        return c

    return make


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AsgiServer:
    """uvicorn serving config.asgi in a thread of the test process (so it sees the test database)."""

    def __init__(self):
        import uvicorn

        from apps.collaboration.conf import collab_setting
        from config.asgi import application

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            application,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            # As devserver and docker run it (apps/core/management/commands/devserver.py websocket_options).
            ws_max_size=collab_setting("MAX_FRAME_BYTES"),
            ws_per_message_deflate=False,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self):
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the ASGI test server did not start")
            time.sleep(0.05)
        return self

    def stop(self):
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["*"]
    server = AsgiServer().start()
    yield server
    server.stop()


# Function-scoped on purpose: Playwright's sync API keeps an event loop marked as running in the main
# thread while it is open, and async_to_sync (channel-layer sends) refuses to run under it, which would
# break whichever non-browser test an xdist worker runs next.
@pytest.fixture
def _playwright():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


# Debian's Chromium in a container: no sandbox, no GPU, nothing it would fetch or sync on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def chromium(_playwright):
    browser = _playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(chromium, request):
    """A fresh browser context and page; a screenshot is kept in test-artifacts/ after each test."""
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    finally:
        context.close()


def browser_login(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/app/**")


@pytest.fixture
def s3(settings):
    """The default storage on S3: django-storages against moto's S3 server (a bucket
    "trendoscope-media"); yields a boto3 client of it."""
    # moto is heavy and only these tests need it.
    import boto3
    from django.core.files.storage import storages
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket="trendoscope-media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "trendoscope-media",
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
            },
        },
    }
    storages._storages.pop("default", None)
    yield client
    storages._storages.pop("default", None)
    server.stop()
