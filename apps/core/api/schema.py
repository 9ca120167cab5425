"""The OpenAPI document: which endpoints it shows, and the error envelope every endpoint documents."""

from __future__ import annotations

from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField()


class ErrorSerializer(serializers.Serializer):
    """The API's error envelope (apps.core.api.exceptions)."""

    error = ErrorDetailSerializer()


ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def errors(ok, *, conflict: bool = True) -> dict:
    """The success response(s) plus the error envelope for the failures every endpoint may answer."""
    out = dict(ok) if isinstance(ok, dict) else {200: ok}
    for code, serializer in ERRORS.items():
        out.setdefault(code, serializer)
    if conflict:
        out.setdefault(409, ErrorSerializer)
    return out


def only_our_api(endpoints, **kwargs):
    """Keep the OpenAPI document to /api/v1/ (not allauth's, Wagtail's or the admin's)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
