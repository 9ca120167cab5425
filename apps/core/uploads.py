"""Request body caps, checked before the body is read.

- `BodyLimitASGI` wraps the ASGI application: a request whose Content-Length is above the cap gets 413
  at once, and a body without one (chunked) is counted as it arrives and cut at the cap. Django's ASGI
  handler would otherwise spool the whole body before any view runs.
- `RequestSizeLimitMiddleware` does the Content-Length check inside Django (WSGI servers, the test client).
- `max_upload_size(n)` is a validator for form and serializer file fields: it reads the size the upload
  handler recorded, not the file.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def request_body_limit() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def _too_large_message(limit: int) -> str:
    return _("The request body is larger than %(limit)s.") % {"limit": filesizeformat(limit)}


def _envelope(limit: int) -> dict:
    return {"error": {"code": "request_too_large", "message": _too_large_message(limit), "details": {}}}


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request_body_limit()
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            if request.path.startswith("/api/"):
                return JsonResponse(_envelope(limit), status=413)
            return HttpResponse(_too_large_message(limit), status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class BodyLimitASGI:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = request_body_limit()
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            return await self._refuse(scope, send, limit)
        received = 0
        refused = False
        started = False

        async def counting_receive():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit and not started:
                    refused = True
                    await self._refuse(scope, send, limit)
                    return {"type": "http.disconnect"}  # Django stops reading and sends nothing
            return message

        async def guarded_send(message):
            nonlocal started
            if refused:
                return
            started = True
            await send(message)

        return await self.app(scope, counting_receive, guarded_send)

    @staticmethod
    async def _refuse(scope, send, limit: int) -> None:
        if scope.get("path", "").startswith("/api/"):
            body, kind = json.dumps(_envelope(limit)).encode(), b"application/json"
        else:
            body, kind = _too_large_message(limit).encode(), b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", kind),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def max_upload_size(limit: int):
    def validate(upload) -> None:
        if upload is not None and getattr(upload, "size", 0) > limit:
            raise ValidationError(
                _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="file_too_large"
            )

    return validate
