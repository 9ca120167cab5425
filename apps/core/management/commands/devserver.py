"""Serve the whole app in the foreground: the ASGI server, a Celery worker and Celery beat.
Ctrl-C (or the end of any one of them) stops all three."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

WEB_READY_TIMEOUT = 60.0


def websocket_options() -> list[str]:
    """uvicorn's websocket settings, the same as docker/entrypoint.sh's: frames over the live editor's
    MAX_FRAME_BYTES are refused from their header, before any payload is read; no permessage-deflate,
    because a compressed frame is inflated up to that limit before it can be refused (five 40 MB frames
    left ~166 MB behind) while Yjs updates are small binary messages it barely shrinks (the reference
    y-websocket server does not compress either)."""
    return ["--ws-max-size", str(settings.COLLAB_MAX_FRAME_BYTES), "--ws-per-message-deflate", "false"]


def process_commands(*, host, port, concurrency) -> dict[str, list[str]]:
    """The web server, the Celery worker and Celery beat, as devserver starts them."""
    python = sys.executable
    schedule_file = str(settings.VAR_DIR / "celerybeat-schedule")
    return {
        "web": [python, "-m", "uvicorn", "config.asgi:application", "--host", host, "--port", str(port)]
        + websocket_options()
        + ["--log-level", "info"],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            # prefork: each task runs in a child's main thread, where the feed parser's SIGALRM time
            # limit works and a stuck task can be killed by Celery's hard time limit.
            "--pool",
            "prefork",
            "--concurrency",
            str(concurrency),
            "--loglevel",
            "INFO",
            "-n",
            "worker@%h",
        ],
        "beat": [
            python,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--loglevel",
            "INFO",
            "--scheduler",
            settings.CELERY_BEAT_SCHEDULER,
            "--schedule",
            schedule_file,
        ],
    }


def wait_for_port(host: str, port: int, process: subprocess.Popen, timeout: float) -> bool:
    """True once host:port accepts a connection; False when the process ended or the time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Command(BaseCommand):
    help = "Run uvicorn (HTTP + websockets), a Celery worker and Celery beat together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--concurrency", default=os.environ.get("CELERY_CONCURRENCY", "2"))
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="Apply pending migrations and seed the demo data when it is missing (make run), in this process.",
        )

    def handle(self, *args, host, port, concurrency, prepare=False, **options):
        if prepare:
            self.prepare()
        self.serve(host=host, port=port, concurrency=concurrency)

    def prepare(self) -> None:
        """What `make run` used to do in three Django start-ups (migrate, seed_demo, devserver), in one:
        a restart with nothing to migrate costs a migration-plan check and one query."""
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(f"Applying {len(pending)} migrations…")
            call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", if_missing=not pending)

    def serve(self, *, host, port, concurrency) -> None:
        commands = process_commands(host=host, port=port, concurrency=concurrency)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
        }
        # The web server first: the worker and beat (three more Django start-ups) would otherwise compete
        # with it for the CPU before /healthz can answer.
        processes = {"web": subprocess.Popen(commands.pop("web"), env=env)}
        wait_for_port(host, int(port), processes["web"], WEB_READY_TIMEOUT)
        processes.update({name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()})
        self.stdout.write(self.style.SUCCESS(f"Trendoscope is running on http://{host}:{port}/  (Ctrl-C stops it)"))

        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping:
                ended = [name for name, proc in processes.items() if proc.poll() is not None]
                if ended:
                    self.stderr.write(f"{', '.join(ended)} stopped; stopping the rest.")
                    break
                time.sleep(0.5)
        finally:
            for proc in processes.values():
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 10
            for proc in processes.values():
                try:
                    proc.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.kill()
        codes = [proc.returncode for proc in processes.values()]
        if not stopping and any(codes):
            raise SystemExit(1)
