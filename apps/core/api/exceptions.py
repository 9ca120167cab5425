"""One error format for the whole API: {"error": {"code", "message", "details"}}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.core.errors import Conflict


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        inner = _message(value)
        return inner if key in ("non_field_errors", "detail") else f"{key}: {inner}"
    return str(detail)


def api_exception_handler(exc, context):
    # Django's own 404/403 (our NotFound/Forbidden subclass them) keep their message and get DRF's codes.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Conflict):
        exc = ConflictError(exc.message)
    elif isinstance(exc, DataError):
        # the database refused a value the request carried (out of range, a time zone offset, NUL):
        # bad input, not a server fault
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("A value in the request is out of range or not allowed.")]}
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = codes if isinstance(codes, str) else ("invalid" if isinstance(exc, exceptions.ValidationError) else "error")
    body = {
        "error": {
            "code": code,
            "message": _message(detail),
            "details": detail if isinstance(detail, (dict, list)) else {},
        }
    }
    if isinstance(detail, dict) and set(detail) == {"detail"}:
        body["error"]["details"] = {}
    return Response(body, status=response.status_code, headers=dict(response.headers.items()))
