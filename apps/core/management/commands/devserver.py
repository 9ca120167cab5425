"""Serve the whole app in the foreground: the ASGI server, a Celery worker and Celery beat.
Ctrl-C (or the end of any one of them) stops all three."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


def websocket_options() -> list[str]:
    """uvicorn's websocket settings, the same as docker/entrypoint.sh's: frames over the live editor's
    MAX_FRAME_BYTES are refused from their header, before any payload is read; no permessage-deflate,
    because a compressed frame is inflated up to that limit before it can be refused (five 40 MB frames
    left ~166 MB behind) while Yjs updates are small binary messages it barely shrinks (the reference
    y-websocket server does not compress either)."""
    return ["--ws-max-size", str(settings.COLLAB_MAX_FRAME_BYTES), "--ws-per-message-deflate", "false"]


class Command(BaseCommand):
    help = "Run uvicorn (HTTP + websockets), a Celery worker and Celery beat together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--concurrency", default=os.environ.get("CELERY_CONCURRENCY", "2"))

    def handle(self, *args, host, port, concurrency, **options):
        python = sys.executable
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
            # SITE_URL (when not set) follows PORT: links built by the web server and the worker match --port.
            "PORT": str(port),
        }
        schedule_file = str(settings.VAR_DIR / "celerybeat-schedule")
        commands = {
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
        processes = {name: subprocess.Popen(cmd, env=env) for name, cmd in commands.items()}
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
