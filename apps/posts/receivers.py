"""allauth signals: an e-mail share to an address reaches whoever verifies that address."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_signed_up

from .services import email_share_claim


def _claim_verified(user) -> None:
    for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True):
        email_share_claim(user=user, email=address)


def on_email_confirmed(sender, request=None, email_address=None, **kwargs) -> None:
    if email_address is not None and email_address.verified:
        email_share_claim(user=email_address.user, email=email_address.email)


def on_user_signed_up(sender, request=None, user=None, **kwargs) -> None:
    # A signup whose address arrives verified (e.g. from a social provider) sends no email_confirmed.
    if user is not None:
        _claim_verified(user)


def connect() -> None:
    email_confirmed.connect(on_email_confirmed, dispatch_uid="posts.email_share_claim")
    user_signed_up.connect(on_user_signed_up, dispatch_uid="posts.email_share_claim_signup")
