"""Queueing Celery tasks by the names they declare (as Zulip's queue_event_on_commit names a queue):
a service asks for "sources.fetch" without importing the module that defines it, so services never
import tasks (tasks import services) and no import circle holds them together."""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction


class UnknownTask(LookupError):
    pass


def _task(name: str):
    if name not in current_app.tasks:
        # Outside a worker the apps' tasks modules are imported on first need (autodiscovery is lazy).
        current_app.loader.import_default_modules()
    try:
        return current_app.tasks[name]
    except KeyError:
        raise UnknownTask(f"no Celery task is registered as {name!r}") from None


def enqueue(name: str, *args: Any, **kwargs: Any) -> None:
    """Queue the task registered under `name` now (through the registry, which honours eager mode;
    send_task would not)."""
    _task(name).apply_async(args=args, kwargs=kwargs)


def enqueue_on_commit(name: str, *args: Any, **kwargs: Any) -> None:
    """Queue the task once the current transaction commits (never for a change that rolls back). An
    unknown name fails here, in the service, not later in a commit hook."""
    _task(name)
    transaction.on_commit(lambda: enqueue(name, *args, **kwargs))
