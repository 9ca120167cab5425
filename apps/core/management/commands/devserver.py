"""Serve the whole app in the foreground: the ASGI server, a Celery worker and Celery beat.
Ctrl-C (or the end of any one of them) stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import uvicorn
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

WEB_READY_TIMEOUT = 60.0
WORKER_DELAY = 5.0  # seconds the worker and beat wait for the web server's first request


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
        """uvicorn runs in this process (the Django start-up already paid for), the worker and beat as
        children once it listens: three more Django start-ups would otherwise compete with the web server
        for the CPU before /healthz can answer."""
        commands = process_commands(host=host, port=port, concurrency=concurrency)
        commands.pop("web")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
            # SITE_URL (when not set) follows PORT: links built by the web server and the worker match --port.
            "PORT": str(port),
        }
        server = uvicorn.Server(
            uvicorn.Config(
                "config.asgi:application",
                host=host,
                port=int(port),
                log_level="info",
                ws_max_size=settings.COLLAB_MAX_FRAME_BYTES,
                ws_per_message_deflate=False,
            )
        )
        processes: dict[str, subprocess.Popen] = {}
        failed = threading.Event()
        supervisor = threading.Thread(
            target=self.supervise, args=(server, commands, env, processes, failed), daemon=True
        )
        supervisor.start()
        try:
            server.run()  # until SIGINT / SIGTERM (uvicorn's handlers) or the supervisor's should_exit
        except KeyboardInterrupt:
            pass  # uvicorn re-raises the Ctrl-C it shut down on: a normal stop
        finally:
            server.should_exit = True
            supervisor.join(timeout=WEB_READY_TIMEOUT)
            stop_processes(processes)
        if failed.is_set():
            raise SystemExit(1)

    def supervise(self, server, commands, env, processes, failed) -> None:
        """Start the worker and beat once the web server listens (and has answered a first request, or
        WORKER_DELAY passed); stop the server if one of them ends."""
        deadline = time.monotonic() + WEB_READY_TIMEOUT
        while not server.started and not server.should_exit and time.monotonic() < deadline:
            time.sleep(0.05)
        if server.should_exit or not server.started:
            return
        # Let the first request (a browser, a /healthz probe) be answered before three more Django
        # start-ups take the CPU; a few seconds at most.
        deadline = time.monotonic() + WORKER_DELAY
        while not server.should_exit and server.server_state.total_requests == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        processes.update({name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()})
        self.stdout.write(
            self.style.SUCCESS(
                f"Trendoscope is running on http://{server.config.host}:{server.config.port}/  (Ctrl-C stops it)"
            )
        )
        while not server.should_exit:
            ended = [name for name, proc in processes.items() if proc.poll() is not None]
            if ended:
                self.stderr.write(f"{', '.join(ended)} stopped; stopping the rest.")
                failed.set()
                server.should_exit = True
                return
            time.sleep(0.5)


def stop_processes(processes: dict[str, subprocess.Popen]) -> None:
    for proc in processes.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc in processes.values():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
