"""The API's own answer for paths no endpoint matched (the scoped base viewsets are in accounts.api.scoping)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import APIView


class ApiNotFoundView(APIView):
    """Any /api/v1/ path no endpoint matched: a JSON 404 in the API's error format for every method
    (without it the request would fall through to the Wagtail site and get an HTML page)."""

    authentication_classes: list = []
    permission_classes: list = []
    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound(_("No API endpoint at this address."))

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFound(_("No API endpoint at this address."))
