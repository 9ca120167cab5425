"""`make run`'s pieces without the network: `manage.py devserver` on the embedded default (SQLite file,
sqla+sqlite broker, in-memory channel layer) serves the app, runs a task through the worker, and stops
uvicorn, the worker and beat on SIGINT."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _get(url: str):
    try:
        with _opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _websocket_status(url: str) -> int:
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    try:
        with connect(url, open_timeout=10, close_timeout=2):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


def _embedded_env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CI"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        TRENDOSCOPE_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        DJANGO_DEBUG="0",
    )
    return env


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}; log:\n{log.read_text()[-4000:]}")


def test_devserver_serves_everything_and_stops_on_sigint(tmp_path):
    env = _embedded_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "devserver.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "devserver", "--port", str(port), "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we can check that nothing is left behind
        )
    try:

        def healthy() -> bool:
            try:
                return _get(f"{base}/healthz")[0] == 200
            except OSError:
                return False

        _wait_for(healthy, 90, "/healthz", log)
        status, _headers, body = _get(f"{base}/healthz")
        checks = json.loads(body)["checks"]
        assert all(check["ok"] for check in checks.values()), checks
        assert checks["database"]["backend"] == "sqlite"
        assert checks["channel_layer"]["backend"] == "InMemoryChannelLayer"
        assert checks["broker"]["backend"] == "sqla"

        assert _get(f"{base}/")[0] == 200
        status, headers, _ = _get(f"{base}/app/")
        assert status == 302 and "/accounts/login/" in headers["Location"]
        assert _get(f"{base}/accounts/login/")[0] == 200
        assert _get(f"{base}/admin/")[0] == 302
        assert _get(f"{base}/cms/")[0] == 302
        status, _, body = _get(f"{base}/api/schema/?format=json")
        assert status == 200 and b"/api/v1/" in body

        # uvicorn speaks websockets: an anonymous client reaches Channels, which refuses it with 403
        # (a server without websocket support would answer the upgrade with a plain HTTP error).
        ws_status = _websocket_status(f"ws://127.0.0.1:{port}/ws/trends/")
        assert ws_status in (101, 403), ws_status

        # The worker consumes from the SQLite broker and beat runs the database scheduler. The sender is a
        # fourth Django start-up beside the worker's, its child's and beat's, on a machine whose other test
        # worker is busy too: a generous limit (once 30 s, which a loaded CI run went past).
        code = (
            "import django; django.setup(); from config.celery import app; "
            "app.send_task('core.ping', kwargs={'source': 'smoke'})"
        )
        try:
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, timeout=120)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"sending core.ping took over 120 s; log:\n{log.read_text()[-4000:]}") from None
        _wait_for(lambda: b"core.ping" in log.read_bytes() and b"succeeded" in log.read_bytes(), 60, "core.ping", log)
        _wait_for(lambda: b"DatabaseScheduler" in log.read_bytes(), 10, "beat", log)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError(f"devserver did not stop on SIGINT; log:\n{log.read_text()[-4000:]}") from None
    # uvicorn, the worker and beat are gone too (the whole process group).
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        raise AssertionError("a devserver child outlived SIGINT")
    assert proc.returncode == 0, log.read_text()[-4000:]
    text = log.read_text()
    assert "Finished server process" in text
    assert "worker: Warm shutdown" in text
