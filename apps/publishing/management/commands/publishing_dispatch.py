"""Run the publication dispatcher in the foreground (an alternative to the Celery beat tick)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import reset_queries

from apps.publishing.dispatcher import dispatch_batch, worker_name


class Command(BaseCommand):
    help = "Claim and deliver due publications until stopped (SIGTERM finishes the current batch)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=50)
        parser.add_argument("--idle-sleep", type=float, default=1.0)
        parser.add_argument("--once", action="store_true", help="exit when nothing is due")

    def handle(self, *args, batch, idle_sleep, once, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        worker = worker_name()
        adapters: dict = {}
        while not stopping:
            handled = dispatch_batch(worker=worker, limit=batch, adapters=adapters)
            reset_queries()  # with DEBUG on, Django keeps every query of a long-running process
            if not handled:
                if once:
                    break
                time.sleep(idle_sleep)
