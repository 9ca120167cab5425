"""OPTIONS for every endpoint: DRF's metadata, without the form description when a view has no single
serializer class (DRF asserts there, a 500)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.metadata import SimpleMetadata


class Metadata(SimpleMetadata):
    def determine_actions(self, request, view):
        try:
            return super().determine_actions(request, view)
        except (AssertionError, AttributeError, KeyError, TypeError, ImproperlyConfigured):
            return {}
