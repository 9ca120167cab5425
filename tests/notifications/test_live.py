"""The bell's socket (/ws/notifications/): a person hears their own new notifications and reads, after
commit, with the unread count; nobody else hears them, and a socket without a signed-in person is
refused. In Chromium the bell counts up while the page stays open."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from playwright.sync_api import expect

from apps.notifications import services as notifications
from apps.notifications.models import Kind, Notification
from apps.notifications.routing import websocket_urlpatterns
from apps.posts import services
from tests.conftest import browser_login
from tests.factories import make_post

APP = URLRouter(websocket_urlpatterns)


def _run(coro):
    """asyncio.run in a thread of its own: Playwright's sync API may have left a loop in this one."""
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coro)
        except BaseException as exc:
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def _socket(user):
    communicator = WebsocketCommunicator(APP, "/ws/notifications/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
def test_the_person_hears_new_and_read_notifications(fresh_channel_layer, workspace, members):
    writer, editor, publisher = members["writer"], members["editor"], members["publisher"]
    with ThreadPoolExecutor(1) as pool:
        post = pool.submit(make_post, workspace=workspace, user=writer, title="Live 🔔", text="x").result()

    async def scenario():
        refused, code = await _socket(AnonymousUser()).connect()
        mine, bystander = _socket(writer), _socket(publisher)
        assert (await mine.connect())[0] and (await bystander.connect())[0]
        await database_sync_to_async(services.comment_create)(post=post, user=editor, body="Привет 👋")
        created = await mine.receive_json_from(timeout=5)
        row = await database_sync_to_async(Notification.objects.get)(recipient=writer)
        await database_sync_to_async(notifications.notification_mark_read)(notification=row, user=writer)
        read = await mine.receive_json_from(timeout=5)
        quiet = await bystander.receive_nothing(timeout=0.5)
        await mine.disconnect()
        await bystander.disconnect()
        return refused, code, created, read, row, quiet

    refused, code, created, read, row, quiet = _run(scenario())
    assert not refused and code == 4403
    assert created == {
        "type": "notification.created",
        "id": row.pk,
        "kind": Kind.POST_COMMENT,
        "url": f"/app/posts/{post.pk}/",
        "count": 1,
        "unread": 1,
    }
    assert read == {"type": "notification.read", "id": row.pk, "unread": 0}
    assert quiet, "the publisher was not told about the writer's post"


@pytest.mark.browser
def test_the_bell_counts_up_live_when_someone_comments(fresh_channel_layer, asgi_live_server, page, members, workspace):
    writer, editor = members["writer"], members["editor"]
    with ThreadPoolExecutor(1) as pool:
        post = pool.submit(make_post, workspace=workspace, user=writer, title="Наводнения", text="x").result()
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/notifications/")
    bell = page.locator("a.bell")
    expect(bell).to_have_attribute("data-unread", "0")
    expect(page.locator(".empty-state")).to_be_visible()
    expect(bell).to_have_attribute("data-live", "connected")  # joined its group before it was accepted
    with ThreadPoolExecutor(1) as pool:
        pool.submit(services.comment_create, post=post, user=editor, body="Первый 💬").result()
    expect(bell).to_have_attribute("data-unread", "1")
    expect(bell.locator(".badge")).to_have_text("1")
    expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    expect(page.locator("#bell-live")).to_contain_text(f"{editor} commented on “Наводнения”")
    expect(page.locator(".alert-row")).to_have_count(1)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(services.comment_create, post=post, user=editor, body="Второй").result()
    expect(bell).to_have_attribute("data-unread", "2")
    expect(page.locator(".alert-row")).to_have_count(2)
    expect(page.locator(".alert-row").first).to_contain_text("Второй")
