"""Domain errors raised by services. They subclass Django's own, so pages and the API map them alike
(404 for what the user may not see, 403 with the message for what the user's role may not do)."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404


class NotFound(Http404):
    pass


class Forbidden(PermissionDenied):
    pass


class InvalidInput(DjangoValidationError):
    pass


class Conflict(Exception):
    """The object is not in a state that allows the operation (mapped to HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
