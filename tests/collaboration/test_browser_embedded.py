"""Live editing on the embedded default, as a new user meets it with `make run`: the real
`manage.py devserver` (uvicorn + Celery worker + beat) on a fresh SQLite file, the in-memory channel
layer and the SQLite broker, nothing configured. Two people type into the same post in Chromium (Cyrillic,
emoji), converge, "Save version", reload and find everything; then everyone leaves, the room is
unloaded (COLLAB_IDLE_SECONDS is short here) and snapshotted by the devserver's worker, and a reopened
editor loads every character back from the log."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, browser_login

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.browser, pytest.mark.slow]

IDLE_SECONDS = 1.5

SEED = """
from apps.accounts.roles import Role
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, make_post

workspace = WorkspaceFactory(name="Newsroom", slug="newsroom")
users = {}
for role in ("writer", "editor"):
    users[role] = MembershipFactory(workspace=workspace, user=UserFactory(username=role), role=role).user
post = make_post(workspace=workspace, user=users["writer"], title="Live post", text="Seed")
print("POST", post.pk)
"""

# Records every state the live-editing status goes through (an "offline" blip must not happen).
WATCH_STATES = """() => {
  window.__collabStates = [];
  const node = document.querySelector('.collab-status');
  new MutationObserver(() => window.__collabStates.push(node.dataset.state))
    .observe(node, { attributes: true, attributeFilter: ['data-state'] });
}"""


def _embedded_env(var_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CI", "CHANNEL_PREFIX"}
        and not k.startswith("COLLAB_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        TRENDOSCOPE_VAR_DIR=str(var_dir),
        PYTHONUNBUFFERED="1",
        DJANGO_DEBUG="0",
        COLLAB_IDLE_SECONDS=str(IDLE_SECONDS),
    )
    return env


def _wait_for(predicate, timeout: float, what: str, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def devserver(tmp_path):
    """`manage.py devserver` on a fresh SQLite file in tmp_path; yields (base_url, post_id, db_path, log)."""
    env = _embedded_env(tmp_path)
    run = {"cwd": ROOT, "env": env, "check": True, "timeout": 300}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], **run)
    seeded = subprocess.run([sys.executable, "manage.py", "shell", "-c", SEED], capture_output=True, text=True, **run)
    post_id = int(seeded.stdout.split("POST", 1)[1].split()[0])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "devserver.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "devserver", "--port", str(port), "--concurrency", "1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        _wait_for(healthy, 90, "/healthz", log)
        yield base, post_id, tmp_path / "trendoscope.sqlite3", log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
    text = log.read_text(errors="replace")
    assert "update log write failed" not in text, text[-4000:]
    assert "Traceback" not in text, text[-4000:]


def _text(page) -> str:
    return page.evaluate("() => window.collab.editor.getText()")


def _open(context, base: str, username: str, url: str):
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_login(page, base, username)
    page.goto(url)
    expect(page.locator(".collab-status")).to_have_attribute("data-state", "synced")
    page.evaluate(WATCH_STATES)
    return page


def _states(page) -> list[str]:
    return page.evaluate("() => window.__collabStates")


def _stored(db_path: Path, post_id: int) -> tuple[str, list[str]]:
    with sqlite3.connect(db_path, timeout=30) as db:
        body = db.execute("SELECT body_text FROM posts_post WHERE id = ?", [post_id]).fetchone()[0]
        reasons = [r for (r,) in db.execute("SELECT reason FROM posts_revision WHERE post_id = ?", [post_id])]
    return body, reasons


def test_two_people_edit_save_reload_and_survive_the_idle_unload_on_the_embedded_default(chromium, devserver):
    base, post_id, db_path, log = devserver
    url = f"{base}/app/posts/{post_id}/"
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 860}) for _ in range(2)]
    try:
        writer = _open(contexts[0], base, "writer", url)
        editor = _open(contexts[1], base, "editor", url)
        expect(writer.locator(".collab-presence .collab-person")).to_have_count(2)

        writer.locator("#editor .ProseMirror").click()
        writer.keyboard.press("Control+End")
        editor.locator("#editor .ProseMirror").click()
        editor.keyboard.press("Control+Home")
        for word in ("Привет ", "мир ", "ёлка "):
            writer.keyboard.type(f"W-{word}")
            editor.keyboard.type(f"E-{word}")
        writer.keyboard.insert_text("👩‍💻 👍🏽 🇺🇦 ")
        editor.keyboard.insert_text("Ünïcode ✨ ")
        wanted = ["W-Привет W-мир W-ёлка 👩‍💻 👍🏽 🇺🇦", "E-Привет E-мир E-ёлка Ünïcode ✨"]
        for page in (writer, editor):
            page.wait_for_function(
                "(parts) => parts.every((p) => window.collab.editor.getText().includes(p))", arg=wanted
            )
        deadline = time.monotonic() + 5
        while _text(writer) != _text(editor) and time.monotonic() < deadline:
            time.sleep(0.05)
        converged = _text(writer)
        assert converged == _text(editor)

        writer.click("#save-button")
        expect(writer.locator("#save-status")).to_contain_text("Saved")
        body, _reasons = _stored(db_path, post_id)
        for part in wanted:
            assert part in body

        for page in (writer, editor):
            assert not {"offline", "stopped"} & set(_states(page)), _states(page)
            page.reload()
            expect(page.locator(".collab-status")).to_have_attribute("data-state", "synced")
            assert _text(page) == converged

        # A last edit nobody saves by hand; then everyone leaves.
        writer.locator("#editor .ProseMirror").click()
        writer.keyboard.press("Control+End")
        writer.keyboard.type(" Конец 🎉")
        editor.wait_for_function("() => window.collab.editor.getText().endsWith('Конец 🎉')")
        final = _text(writer)
        ARTIFACTS.mkdir(exist_ok=True)
        writer.screenshot(path=str(ARTIFACTS / "collab_embedded_default.png"), full_page=True)
    finally:
        for context in contexts:
            context.close()

    # The room unloads after COLLAB_IDLE_SECONDS and the devserver's worker snapshots the live text.
    _wait_for(lambda: "Конец 🎉" in _stored(db_path, post_id)[0], 30, "the idle snapshot", log)
    assert any("everyone left" in reason for reason in _stored(db_path, post_id)[1])

    # The room is loaded again from the log (checkpoint + rows): nothing is lost.
    context = chromium.new_context(viewport={"width": 1280, "height": 860})
    try:
        again = _open(context, base, "editor", url)
        assert _text(again) == final
    finally:
        context.close()
