"""DRF's JSON parser with a nesting limit checked before json.loads (a deep body would otherwise raise
RecursionError, a 500, in the decoder or in the code that walks the data)."""

from __future__ import annotations

import codecs

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from apps.core.jsondepth import json_too_deep


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": exc}) from exc
        if json_too_deep(text):
            raise ParseError(
                _("JSON parse error - nested deeper than %(n)s levels.") % {"n": settings.API_JSON_MAX_DEPTH}
            )
        return super().parse(_Buffer(raw), media_type, parser_context)


class _Buffer:
    """The bytes already read, for the parent's stream.read()."""

    def __init__(self, data: bytes):
        self._data = data

    def read(self, *args) -> bytes:
        data, self._data = self._data, b""
        return data
