"""Structured logs (structlog + django-structlog) and the request id that follows a request.

LOG_FORMAT=json (production's default) writes one JSON object a line; plain (development) a readable
line. Every line, ours or a library's through the standard logging module, carries the context bound
with structlog.contextvars: django-structlog's RequestMiddleware binds a request_id per request (an
upstream X-Request-ID is taken when DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID is on), its Celery
receivers put it into the headers of every task the request starts (before_task_publish) and bind it in
the worker (task_prerun), and RequestIdASGIMiddleware binds one per websocket connection, so the events
of that socket log under the id of the connection request.

This module is imported by settings: it must not import Django models or settings.
"""

from __future__ import annotations

import uuid
from typing import Any

import structlog

REQUEST_ID_HEADER = b"x-request-id"


def shared_processors() -> list:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
    ]


def logging_config(*, fmt: str, level: str) -> dict[str, Any]:
    """The LOGGING dict: `fmt` json or plain."""
    if fmt not in ("json", "plain"):
        raise ValueError(f"LOG_FORMAT={fmt!r}: use json or plain")
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.filter_by_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.add_log_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.UnicodeDecoder(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
                "foreign_pre_chain": shared_processors(),
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            "httpx": {"level": "WARNING"},
            # one line per request is enough: django-structlog's request_started/finished
            "django_structlog": {"level": level},
        },
    }


def _header(scope: dict, name: bytes) -> str:
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            return value.decode("latin-1")[:200]
    return ""


class RequestIdASGIMiddleware:
    """Bind a request_id for a websocket connection (the client's X-Request-ID when it is a plain token,
    else a new one) for every log line its consumer writes."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "websocket":
            return await self.app(scope, receive, send)
        upstream = _header(scope, REQUEST_ID_HEADER)
        request_id = upstream if upstream and upstream.replace("-", "").isalnum() else str(uuid.uuid4())
        scope = {**scope, "request_id": request_id}
        with structlog.contextvars.bound_contextvars(request_id=request_id, websocket=scope.get("path", "")):
            return await self.app(scope, receive, send)
