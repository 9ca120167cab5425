"""Services for connecting a channel to its account: start and finish the OAuth flow (X, LinkedIn,
Mastodon), validate an app password (Bluesky, WordPress), test the connection honestly, pause and
resume, disconnect (revoking the tokens), and the beat task's refresh of tokens about to expire."""

from __future__ import annotations

import logging
import secrets

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import InvalidInput
from apps.core.queue import enqueue_on_commit
from apps.core.services import audit_log

from . import health, oauth, selectors
from .adapters import DeliveryError, adapter_for
from .adapters.base import AuthorizationGone, NothingToCheck
from .models import Channel, Platform

log = logging.getLogger(__name__)

# How long a started sign-in may take before its answer is refused.
PENDING_MAX_AGE = 15 * 60


def _manage(*, user, channel: Channel) -> None:
    require_capability(user=user, workspace=channel.workspace_id, capability=Capability.MANAGE_CHANNELS)


def connect_start(*, user, channel: Channel, redirect_uri: str) -> tuple[str, dict]:
    """The platform's sign-in address, and what the callback needs (kept in the session)."""
    _manage(user=user, channel=channel)
    if channel.platform not in oauth.OAUTH_PLATFORMS:
        raise InvalidInput(_("This platform is connected with an app password, not a sign-in."))
    try:
        return oauth.authorization_start(channel=channel, redirect_uri=redirect_uri)
    except oauth.OAuthFailure as exc:
        raise InvalidInput(exc.message) from exc


def connect_finish(*, user, pending: dict | None, params) -> tuple[Channel, str]:
    """Handle the platform's answer (code, or error) for a sign-in started by this person."""
    if not pending or not secrets.compare_digest(str(pending.get("state", "")), str(params.get("state", ""))):
        raise InvalidInput(
            _(
                "This sign-in answer does not match a connection started from this browser (state mismatch); "
                "nothing was changed. Start connecting again."
            )
        )
    channel = selectors.channel_for_user(user=user, pk=pending["channel"])
    _manage(user=user, channel=channel)
    if params.get("error"):
        detail = params.get("error_description") or params.get("error")
        raise InvalidInput(
            _("%(platform)s did not grant access (%(detail)s); the channel was not connected.")
            % {"platform": channel.get_platform_display(), "detail": detail}
        )
    if timezone.now().timestamp() - float(pending.get("started", 0)) > PENDING_MAX_AGE:
        raise InvalidInput(_("The sign-in took too long; start connecting again."))
    code = params.get("code") or ""
    if not code:
        raise InvalidInput(_("The platform answered without an authorization code."))
    try:
        oauth.authorization_finish(channel=channel, pending=pending, code=code)
    except oauth.OAuthFailure as exc:
        raise InvalidInput(_("The platform refused the sign-in: %(e)s") % {"e": exc.message}) from exc
    channel.refresh_from_db()
    account = _remember_account(channel)
    health.channel_mark_connected(channel=channel)
    audit_log(actor=user, action="channel.connect", target=channel, data={"platform": channel.platform})
    enqueue_on_commit("publishing.dispatch_tick")  # publications that waited for this go now
    return channel, account


def _remember_account(channel: Channel) -> str:
    """Ask the platform who the new token belongs to and keep the non-secret parts in the settings."""
    try:
        me = adapter_for(channel).whoami()
    except DeliveryError as exc:
        raise InvalidInput(
            _("Connected, but the platform did not say who the account is: %(e)s") % {"e": exc.message}
        ) from exc
    config = dict(channel.config or {})
    if me.get("username"):
        config["username"] = me["username"]
    if me.get("author_urn") and not config.get("author_urn"):
        config["author_urn"] = me["author_urn"]
    if config != channel.config:
        channel.config = config
        Channel.objects.filter(pk=channel.pk).update(config=config)
    return me.get("username") or me.get("name") or me.get("author_urn") or ""


def channel_check(*, user, channel: Channel) -> str:
    """A real, harmless request to the platform (webhook: a signed ping; accounts: "who am I").
    Returns who answered; raises InvalidInput saying in plain words what went wrong (recorded on the
    channel), or NothingToCheck for a channel without an outside account."""
    _manage(user=user, channel=channel)
    try:
        description = adapter_for(channel).check()
    except NothingToCheck:
        raise
    except AuthorizationGone as exc:
        health.channel_note_check(channel_id=channel.pk, ok=False, message=exc.message, reconnect=True)
        raise InvalidInput(_("The test failed: %(e)s") % {"e": exc.message}) from exc
    except DeliveryError as exc:
        health.channel_note_check(channel_id=channel.pk, ok=False, message=exc.message)
        raise InvalidInput(_("The test failed: %(e)s") % {"e": exc.message}) from exc
    except (KeyError, ValueError) as exc:
        message = _("The channel's settings or credentials are incomplete (%(e)s).") % {"e": exc}
        health.channel_note_check(channel_id=channel.pk, ok=False, message=message)
        raise InvalidInput(message) from exc
    health.channel_note_check(channel_id=channel.pk, ok=True)
    return description


def connect_password(*, user, channel: Channel) -> str:
    """Validate a just-saved app password (Bluesky: createSession; WordPress: users/me)."""
    account = channel_check(user=user, channel=channel)
    health.channel_mark_connected(channel=channel)
    enqueue_on_commit("publishing.dispatch_tick")
    return account


def channel_resume(*, user, channel: Channel) -> Channel:
    _manage(user=user, channel=channel)
    health.channel_clear_hold(channel=channel)
    audit_log(actor=user, action="channel.resume", target=channel)
    enqueue_on_commit("publishing.dispatch_tick")
    return channel


def channel_disconnect(*, user, channel: Channel) -> str:
    """Revoke the tokens at the platform and forget them; publications wait until it is connected
    again. Returns a warning when the platform did not confirm the revocation."""
    _manage(user=user, channel=channel)
    warning = ""
    if channel.platform in oauth.OAUTH_PLATFORMS and channel.credentials_encrypted:
        try:
            oauth.token_revoke(channel=channel)
        except oauth.OAuthFailure as exc:
            warning = _("The platform did not confirm the revocation: %(e)s") % {"e": exc.message}
    kept = {k: v for k, v in oauth.channel_credentials(channel).items() if k in ("client_id", "client_secret")}
    if channel.platform == Platform.MASTODON and kept:
        kept["app_redirect_uri"] = oauth.channel_credentials(channel).get("app_redirect_uri", "")
    oauth.credentials_save(channel=channel, credentials=kept, expires_at=None)
    oauth.mark_needs_reconnect(channel_id=channel.pk, reason=_("Disconnected: connect the account to publish again."))
    audit_log(actor=user, action="channel.disconnect", target=channel)
    return warning


def tokens_refresh_due() -> dict:
    """The beat task: renew every OAuth token that expires soon (channels with a refresh token)."""
    counts = {"refreshed": 0, "gone": 0, "failed": 0}
    for channel in oauth.channels_due_for_refresh():
        if not oauth.channel_credentials(channel).get("refresh_token"):
            continue  # a pasted token: the channel page warns before it expires
        try:
            oauth.token_refresh(channel_id=channel.pk)
            counts["refreshed"] += 1
        except oauth.OAuthFailure as exc:
            counts["gone" if exc.gone else "failed"] += 1
            log.warning("channel %s: token refresh failed: %s", channel.pk, exc.message)
    return counts
