"""Upload caps are checked before the body is read: a declared Content-Length above the cap gets 413 at
once, a chunked body is cut at the cap, and an OPML file above its own cap is refused by its recorded size
(never read into memory)."""

from __future__ import annotations

import socket
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.sources.opml import MAX_OPML_BYTES

OPML_API = "/api/v1/sources/opml/"


def _opml(size: int) -> bytes:
    head = b'<?xml version="1.0"?><opml version="2.0"><head><title>\xd0\x9b\xd0\xb5\xd0\xbd\xd1\x82\xd1\x8b</title></head><body>'
    line = b'<outline type="rss" text="\xe6\x96\xb0\xe9\x97\xbb" xmlUrl="https://feeds.example.org/a.xml"/>\n'
    return head + line * (size // len(line) + 1) + b"</body></opml>"


@pytest.mark.django_db
def test_a_declared_body_above_the_cap_is_refused_before_it_is_read(api_client_for, admin_member, workspace, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client = api_client_for(admin_member, workspace)
    response = client.generic(
        "POST", OPML_API, b"x" * 10, content_type="multipart/form-data; boundary=zz", CONTENT_LENGTH=str(200 * 2**20)
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


@pytest.mark.django_db
def test_an_opml_file_above_its_cap_is_refused_by_its_size(api_client_for, admin_member, workspace):
    client = api_client_for(admin_member, workspace)
    upload = SimpleUploadedFile("feeds.opml", _opml(MAX_OPML_BYTES + 1000), content_type="text/x-opml")
    response = client.post(OPML_API, {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["details"]
    small = SimpleUploadedFile("feeds.opml", _opml(500), content_type="text/x-opml")
    assert client.post(OPML_API, {"file": small}, format="multipart").status_code == 201


@pytest.mark.django_db
def test_the_web_import_of_a_large_opml_file_is_a_message_not_a_crash(client_for, admin_member):
    upload = SimpleUploadedFile("feeds.opml", _opml(MAX_OPML_BYTES + 1000), content_type="text/x-opml")
    response = client_for(admin_member).post("/app/sources/opml/import/", {"file": upload})
    assert response.status_code == 302


def _raw_request(port: int, head: bytes, body_parts, *, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head)
        try:
            for part in body_parts:
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what we want
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_the_asgi_server_answers_413_without_waiting_for_a_huge_body(asgi_live_server, admin_member, workspace):
    from apps.accounts.models import ApiToken

    _token, key = ApiToken.issue(user=admin_member)
    head = (
        f"POST {OPML_API} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nX-Workspace: {workspace.pk}\r\n"
        f"Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: {400 * 2**20}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    answer = _raw_request(asgi_live_server.port, head, [b"--zz\r\n" + b"x" * 4096], timeout=5)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"request_too_large" in answer
    assert time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
def test_a_chunked_body_is_cut_at_the_cap(asgi_live_server, settings):
    settings.UPLOAD_MAX_BYTES = 256 * 1024
    head = (
        b"POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"x" * 65536
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(64)] + [b"0\r\n\r\n"]  # 4 MB
    answer = _raw_request(asgi_live_server.port, head, parts, timeout=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
