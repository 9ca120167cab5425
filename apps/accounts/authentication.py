"""Bearer tokens for API clients: `Authorization: Bearer tsk_...` (or `Token tsk_...`)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from .models import ApiToken


def user_for_token_key(key: str):
    """The active user behind a token key, or an AuthenticationFailed that says why."""
    token = ApiToken.objects.for_key(key)
    if token is None:
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    if token.is_expired:
        raise exceptions.AuthenticationFailed(_("Token expired. Log in again to get a new one."))
    if not token.user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class ExpiringTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from None
        return user_for_token_key(key)

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
