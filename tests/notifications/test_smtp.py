"""The e-mails through Django's real SMTP backend to a small SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

from apps.notifications import services
from apps.notifications.models import EmailMode, Kind

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller checks its own port once started)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield inbox
    controller.stop()


def test_immediate_and_digest_mails_arrive_over_smtp_in_the_readers_language(
    smtp, workspace, members, publisher, admin_member, django_capture_on_commit_callbacks
):
    publisher.email, publisher.language = "pub@example.com", "ru"
    admin_member.email = "admin@example.com"
    publisher.save()
    admin_member.save()
    services.preference_set(user=publisher, kind=Kind.GENERATION_FAILED, in_app=True, email=EmailMode.IMMEDIATE)
    job = SimpleNamespace(
        pk=5, workspace_id=workspace.pk, topic="東京の洪水 👨‍👩‍👧", error="429 Too Many Requests", created_by=publisher
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.generation_failed(job=job)
    channel = SimpleNamespace(pk=2, workspace_id=workspace.pk, name="Mastodon (مرحبا)")
    services.channel_needs_reconnect(channel=channel, reason="invalid_grant")
    assert services.digests_send() == 2
    by_rcpt = {tuple(rcpt): msg for rcpt, msg in smtp.messages}
    assert set(by_rcpt) == {("pub@example.com",), ("admin@example.com",)} and len(smtp.messages) == 3
    immediate = [
        m
        for r, m in smtp.messages
        if r == ["pub@example.com"] and "東京" in str(make_header(decode_header(m["Subject"])))
    ]
    assert len(immediate) == 1
    body = immediate[0].get_payload(decode=True).decode(immediate[0].get_content_charset())
    assert "429 Too Many Requests" in body and "/app/generate/jobs/5/" in body
    digest = by_rcpt[("admin@example.com",)]
    text = digest.get_payload(decode=True).decode(digest.get_content_charset())
    assert "Mastodon (مرحبا)" in text and "invalid_grant" in text
