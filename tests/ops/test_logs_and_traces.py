"""Issue 17 item 3: JSON logs with a request id that follows a request into the Celery task it queues
and through a websocket connection; OpenTelemetry traces to a local OTLP/HTTP receiver when OTEL_* are
set; Sentry events to a local server when SENTRY_DSN is set; none of it without them."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import structlog
from channels.testing import WebsocketCommunicator

from apps.core.logging import RequestIdASGIMiddleware, logging_config

ROOT = Path(__file__).resolve().parents[2]
PROBE = Path(__file__).with_name("_telemetry_probe.py")


class Recorder:
    """A tiny HTTP server on loopback that records every POST (path, decoded body) and answers 200."""

    def __init__(self):
        self.posts: list[tuple[str, bytes]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                encoding = self.headers.get("Content-Encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                recorder.posts.append((self.path, body))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def probe():
    """One subprocess with OTEL_*, SENTRY_DSN and LOG_FORMAT=json set, against a local recorder."""
    recorder = Recorder()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "SENTRY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        PYTHONPATH=str(ROOT),
        OTEL_EXPORTER_OTLP_ENDPOINT=recorder.url,
        OTEL_SERVICE_NAME="trendoscope-ops-probe",
        OTEL_RESOURCE_ATTRIBUTES="deployment.environment=test",
        SENTRY_DSN=f"http://publickey@{recorder.url.removeprefix('http://')}/42",
        SENTRY_ENVIRONMENT="ops-test",
        PROBE_URL=recorder.url,
        LOG_FORMAT="json",
        TRUST_UPSTREAM_REQUEST_ID="1",
    )
    try:
        result = subprocess.run(
            [sys.executable, str(PROBE)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr[-3000:]
        yield result, recorder
    finally:
        recorder.stop()


@pytest.mark.slow
def test_traces_reach_an_otlp_receiver_and_errors_reach_sentry(probe):
    _result, recorder = probe
    traces = b"".join(body for path, body in recorder.posts if path == "/v1/traces")
    assert traces, [p for p, _ in recorder.posts]
    assert b"trendoscope-ops-probe" in traces  # the resource: OTEL_SERVICE_NAME
    assert b"deployment.environment" in traces  # OTEL_RESOURCE_ATTRIBUTES
    assert b"GET healthz" in traces or b"GET /healthz" in traces  # Django
    assert b"/ping" in traces  # httpx
    items = []
    for path, body in recorder.posts:
        if path == "/api/42/envelope/":
            items += [json.loads(line) for line in body.decode().splitlines() if line.startswith("{")]
    events = [i for i in items if "message" in i or "logentry" in i]
    assert any("ops probe message Ünïcødé" in json.dumps(e, ensure_ascii=False) for e in events), items[:3]
    assert any(e.get("environment") == "ops-test" for e in events)


def test_nothing_is_switched_on_without_the_variables():
    from apps.core import telemetry

    assert telemetry._state == {"tracing": False, "sentry": False}
    assert not telemetry.tracing_enabled()


@pytest.mark.slow
def test_json_logs_carry_the_request_id_into_the_celery_task(probe):
    result, _recorder = probe
    lines = []
    for line in result.stderr.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            continue
    by_event = {}
    for entry in lines:
        by_event.setdefault(entry.get("event"), []).append(entry)
    [queued] = [e for e in by_event["request_started"] if e.get("request") == "GET /queue"]
    assert queued["request_id"] == "req-ops-4242"
    assert by_event["task_enqueued"][0]["request_id"] == "req-ops-4242"
    started = by_event["task_started"][0]
    assert started["request_id"] == "req-ops-4242" and started["task"] == "ops.log_probe"
    inside = by_event["inside the task"][0]
    assert inside["request_id"] == "req-ops-4242" and inside["task_id"] == started["task_id"]
    assert all({"timestamp", "level", "logger"} <= set(e) for e in lines)


def test_plain_and_json_formats_and_a_bad_one(capsys):
    assert (
        logging_config(fmt="json", level="INFO")["formatters"]["structured"]["processors"][-1].__class__.__name__
        == "JSONRenderer"
    )
    assert (
        logging_config(fmt="plain", level="INFO")["formatters"]["structured"]["processors"][-1].__class__.__name__
        == "ConsoleRenderer"
    )
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(fmt="xml", level="INFO")


async def test_websocket_connection_logs_under_its_request_id():
    seen = []

    async def app(scope, receive, send):
        await receive()
        seen.append((scope["request_id"], structlog.contextvars.get_contextvars().get("request_id")))
        await send({"type": "websocket.accept"})
        await receive()

    wrapped = RequestIdASGIMiddleware(app)
    communicator = WebsocketCommunicator(wrapped, "/ws/posts/1/doc/", headers=[(b"x-request-id", b"edge-7f3a")])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.disconnect()
    hostile = WebsocketCommunicator(wrapped, "/ws/posts/1/doc/", headers=[(b"x-request-id", "взлом\n{}".encode())])
    connected, _ = await hostile.connect()
    await hostile.disconnect()
    assert seen[0] == ("edge-7f3a", "edge-7f3a")
    assert seen[1][0] == seen[1][1] and len(seen[1][0]) == 36  # refused: a fresh uuid instead
    assert structlog.contextvars.get_contextvars().get("request_id") is None  # unbound afterwards


def test_the_asgi_application_wraps_websockets_with_the_request_id():
    from config.asgi import application

    assert isinstance(application.application_mapping["websocket"], RequestIdASGIMiddleware)
