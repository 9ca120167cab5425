"""Links we store and render from platforms and people are http(s) only, and the `next` of publishing
POST views never leads off the site."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from apps.publishing.dispatcher import dispatch_batch
from apps.publishing.models import Publication, PublicationState
from apps.publishing.services import publication_schedule

pytestmark = pytest.mark.django_db

UNSAFE = [
    "javascript:alert(document.domain)",
    " JaVaScRiPt:alert(1)",
    "data:text/html,<script>1</script>",
    "ftp://x.example/a",
]
OFF_SITE = [
    "//evil.example/",
    "https://evil.example/phish",
    "javascript:alert(1)",
    "/\\evil.example",
    "http:///evil.example",
]


class _AnswerServer:
    """A webhook receiver that answers every POST with the given JSON (e.g. a hostile "url")."""

    def __init__(self, answer: dict):
        body = json.dumps(answer).encode()

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def _unconfirmed(post, channel):
    now = timezone.now()
    return Publication.objects.create(
        workspace_id=post.workspace_id,
        post=post,
        channel=channel,
        state=PublicationState.UNCONFIRMED,
        due_at=now,
        next_attempt_at=now,
    )


@pytest.mark.parametrize("link", UNSAFE)
def test_platform_answer_with_unsafe_link_is_stored_empty(post, make_channel, publisher, link):
    server = _AnswerServer({"id": "remote-1", "url": link})
    try:
        channel = make_channel("webhook", config={"url": server.url + "/hook"})
        [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
        dispatch_batch(worker="w1", limit=50, adapters={})
    finally:
        server.stop()
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert publication.platform_id == "remote-1"
    assert publication.platform_url == ""


def test_platform_answer_with_http_link_is_kept(post, make_channel, publisher):
    server = _AnswerServer({"id": "remote-2", "url": "https://news.example/p/2?x=1"})
    try:
        channel = make_channel("webhook", config={"url": server.url + "/hook"})
        [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
        dispatch_batch(worker="w1", limit=50, adapters={})
    finally:
        server.stop()
    publication.refresh_from_db()
    assert publication.platform_url == "https://news.example/p/2?x=1"


@pytest.mark.parametrize("link", UNSAFE)
def test_delivered_form_refuses_unsafe_link(client_for, post, make_channel, publisher, link):
    publication = _unconfirmed(post, make_channel("discord"))
    client = client_for(publisher)
    response = client.post(f"/app/publishing/publications/{publication.pk}/delivered/", {"url": link})
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.state == PublicationState.UNCONFIRMED and publication.platform_url == ""
    page = client.get(response["Location"]).content.decode()
    assert "http:// or https://" in page
    assert 'href="javascript' not in page.lower() and 'href=" javascript' not in page.lower()


def test_delivered_through_the_api_refuses_unsafe_link(api_client_for, post, make_channel, publisher):
    publication = _unconfirmed(post, make_channel("discord"))
    api = api_client_for(publisher, post.workspace)
    response = api.post(
        f"/api/v1/publishing/publications/{publication.pk}/resolve/",
        {"delivered": True, "url": "ftp://x.example/a"},
        format="json",
    )
    assert response.status_code == 400, response.content
    ok = api.post(
        f"/api/v1/publishing/publications/{publication.pk}/resolve/",
        {"delivered": True, "url": "https://discord.test/m/Ω"},
        format="json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["platform_url"] == "https://discord.test/m/Ω"


@pytest.mark.parametrize("target", OFF_SITE)
def test_publication_action_next_stays_on_site(client_for, post, make_channel, publisher, target):
    publication = _unconfirmed(post, make_channel("discord"))
    response = client_for(publisher).post(f"/app/publishing/publications/{publication.pk}/resend/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == f"/app/publishing/publications/{publication.pk}/"


def test_publication_action_next_on_site_is_followed(client_for, post, make_channel, publisher):
    publication = _unconfirmed(post, make_channel("discord"))
    response = client_for(publisher).post(
        f"/app/publishing/publications/{publication.pk}/resend/", {"next": f"/app/posts/{post.pk}/?tab=publish"}
    )
    assert response["Location"] == f"/app/posts/{post.pk}/?tab=publish"


@pytest.mark.parametrize("target", OFF_SITE)
def test_publish_panel_next_stays_on_site(client_for, post, make_channel, publisher, target):
    channel = make_channel("webhook")
    response = client_for(publisher).post(
        f"/app/publishing/posts/{post.pk}/panel/",
        {"do": "schedule", "when": "later", "due_at": "2099-01-01T10:00", "channels": [channel.pk], "next": target},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == f"/app/publishing/posts/{post.pk}/panel/"
