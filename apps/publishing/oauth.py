"""Connecting accounts: the OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) for X,
LinkedIn and Mastodon (whose app is first registered on the chosen instance), token refresh and
revocation (RFC 7009), spoken with httpx on the guarded transport (authlib's httpx client runs on
httpx2 here, which cannot take that transport). Tokens live in the channel's encrypted credentials
(crypto.py); nothing here knows about adapters (they call `token_refresh` on a 401)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.http import BlockedAddress, FetchError, GuardedTransport
from apps.notifications.services import channel_needs_reconnect

from .crypto import credentials_decrypt, credentials_encrypt
from .models import Channel, Platform

if TYPE_CHECKING:
    from httpx._client import UseClientDefault

OAUTH_PLATFORMS = (Platform.X, Platform.LINKEDIN, Platform.MASTODON)
# Platforms connected with a password made for us (validated against the platform on save).
PASSWORD_PLATFORMS = (Platform.BLUESKY, Platform.WORDPRESS)

SCOPES = {
    Platform.X: "tweet.read tweet.write users.read media.write offline.access",
    Platform.LINKEDIN: "openid profile w_member_social",
    Platform.MASTODON: "read write",
}


class OAuthFailure(Exception):
    """The platform refused (`gone`: the authorization is no longer valid) or could not be reached."""

    def __init__(self, message: str, *, gone: bool = False, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.gone = gone
        self.status = status


@dataclass(frozen=True)
class Endpoints:
    authorize_url: str
    token_url: str
    revoke_url: str
    client_id: str
    client_secret: str
    scope: str
    # How the client authenticates at the token endpoint (X: HTTP Basic; LinkedIn, Mastodon: in the body).
    auth_method: str


def _base(channel: Channel) -> str:
    return str((channel.config or {}).get("base_url") or "").rstrip("/")


def endpoints_for(channel: Channel, *, credentials: dict | None = None) -> Endpoints:
    if channel.platform == Platform.X:
        return Endpoints(
            authorize_url=settings.PUBLISHING_X_AUTHORIZE_URL,
            token_url=settings.PUBLISHING_X_TOKEN_URL,
            revoke_url=settings.PUBLISHING_X_REVOKE_URL,
            client_id=settings.PUBLISHING_X_CLIENT_ID,
            client_secret=settings.PUBLISHING_X_CLIENT_SECRET,
            scope=SCOPES[Platform.X],
            auth_method="client_secret_basic",
        )
    if channel.platform == Platform.LINKEDIN:
        return Endpoints(
            authorize_url=settings.PUBLISHING_LINKEDIN_AUTHORIZE_URL,
            token_url=settings.PUBLISHING_LINKEDIN_TOKEN_URL,
            revoke_url=settings.PUBLISHING_LINKEDIN_REVOKE_URL,
            client_id=settings.PUBLISHING_LINKEDIN_CLIENT_ID,
            client_secret=settings.PUBLISHING_LINKEDIN_CLIENT_SECRET,
            scope=SCOPES[Platform.LINKEDIN],
            auth_method="client_secret_post",
        )
    if channel.platform == Platform.MASTODON:
        creds = credentials if credentials is not None else channel_credentials(channel)
        base = _base(channel)
        return Endpoints(
            authorize_url=f"{base}/oauth/authorize",
            token_url=f"{base}/oauth/token",
            revoke_url=f"{base}/oauth/revoke",
            client_id=creds.get("client_id", ""),
            client_secret=creds.get("client_secret", ""),
            scope=SCOPES[Platform.MASTODON],
            auth_method="client_secret_post",
        )
    raise OAuthFailure(_("This platform is not connected with OAuth."))


def authorize_origin(*, platform: str, config: dict | None) -> str:
    """Where the sign-in page lives (scheme://host[:port]): the channel page's Content-Security-Policy
    lets its Connect form lead there (form-action also covers the redirect after the POST)."""
    if platform == Platform.X:
        url = settings.PUBLISHING_X_AUTHORIZE_URL
    elif platform == Platform.LINKEDIN:
        url = settings.PUBLISHING_LINKEDIN_AUTHORIZE_URL
    elif platform == Platform.MASTODON:
        url = str((config or {}).get("base_url") or "")
    else:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def channel_credentials(channel: Channel) -> dict:
    return credentials_decrypt(token=channel.credentials_encrypted)


def _http() -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(settings.PUBLISHING_HTTP_TIMEOUT, connect=5.0),
        headers={"User-Agent": "Trendoscope-Publisher/1.0", "Accept": "application/json"},
        transport=GuardedTransport(max_connections=2, max_keepalive=0),
    )


def pkce_pair() -> tuple[str, str]:
    """A code verifier (86 characters of the unreserved set) and its S256 challenge."""
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _describe(exc: Exception) -> str:
    if isinstance(exc, BlockedAddress | FetchError):
        return exc.message
    if isinstance(exc, httpx.ConnectError):
        return _("could not connect (is anything listening there?): %(e)s") % {"e": exc}
    if isinstance(exc, httpx.TimeoutException):
        return _("the platform did not answer in time")
    return f"{exc.__class__.__name__}: {exc}"


# Token endpoint errors (RFC 6749 5.2) meaning the grant or the client is no longer good.
GONE_ERRORS = ("invalid_grant", "invalid_client", "unauthorized_client", "invalid_token")


def _post_form(endpoints: Endpoints, url: str, form: dict) -> httpx.Response:
    """POST a form to a token or revocation endpoint, authenticating the client as the platform wants."""
    data = dict(form)
    # No client authentication header: the client's default, which is none.
    auth: tuple[str, str] | UseClientDefault = httpx.USE_CLIENT_DEFAULT
    if endpoints.auth_method == "client_secret_basic":
        auth = (endpoints.client_id, endpoints.client_secret)
    else:
        data.update(client_id=endpoints.client_id, client_secret=endpoints.client_secret)
    try:
        with _http() as http:
            return http.post(url, data=data, auth=auth)
    except (httpx.HTTPError, BlockedAddress, FetchError) as exc:
        raise OAuthFailure(_describe(exc)) from exc


def _token_request(endpoints: Endpoints, form: dict) -> dict:
    response = _post_form(endpoints, endpoints.token_url, form)
    try:
        body = response.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    error = str(body.get("error") or "")
    if response.status_code >= 400 or error:
        detail = str(body.get("error_description") or body.get("message") or response.text[:300])
        message = f"{error or f'HTTP {response.status_code}'}: {detail}".strip(": ")
        gone = error in GONE_ERRORS or (not error and response.status_code == 401)
        raise OAuthFailure(message, gone=gone, status=response.status_code)
    if not body.get("access_token"):
        raise OAuthFailure(_("The platform answered without an access token."), status=response.status_code)
    return body


# --- Mastodon: one app per instance (and redirect address), registered at connect time -----------


def mastodon_register_app(*, channel: Channel, redirect_uri: str) -> dict:
    """POST /api/v1/apps on the channel's instance (once per redirect address); the client id and
    secret are kept with the channel's encrypted credentials."""
    creds = channel_credentials(channel)
    if creds.get("client_id") and creds.get("app_redirect_uri") == redirect_uri:
        return creds
    try:
        with _http() as http:
            response = http.post(
                f"{_base(channel)}/api/v1/apps",
                data={
                    "client_name": "Trendoscope",
                    "redirect_uris": redirect_uri,
                    "scopes": SCOPES[Platform.MASTODON],
                    "website": settings.SITE_URL,
                },
            )
            response.raise_for_status()
            app = response.json()
    except (httpx.HTTPError, BlockedAddress, FetchError, ValueError) as exc:
        raise OAuthFailure(_("The instance refused to register the app: %(e)s") % {"e": _describe(exc)}) from exc
    if not isinstance(app, dict) or not app.get("client_id") or not app.get("client_secret"):
        raise OAuthFailure(_("The instance answered the app registration without a client id."))
    creds = {
        **creds,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "app_redirect_uri": redirect_uri,
    }
    credentials_save(channel=channel, credentials=creds)
    return creds


# --- the authorization code flow ------------------------------------------------------------------


def authorization_start(*, channel: Channel, redirect_uri: str) -> tuple[str, dict]:
    """The platform's authorize address (state and S256 code challenge in it) and what the callback
    needs to finish (kept in the person's session, never in the URL)."""
    creds = None
    if channel.platform == Platform.MASTODON:
        creds = mastodon_register_app(channel=channel, redirect_uri=redirect_uri)
    endpoints = endpoints_for(channel, credentials=creds)
    if not endpoints.client_id:
        raise OAuthFailure(
            _("No OAuth app is configured for %(platform)s (set its client id and secret in the settings).")
            % {"platform": channel.get_platform_display()}
        )
    state = secrets.token_urlsafe(32)
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": endpoints.client_id,
            "redirect_uri": redirect_uri,
            "scope": endpoints.scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    url = f"{endpoints.authorize_url}{'&' if urlsplit(endpoints.authorize_url).query else '?'}{query}"
    pending = {
        "channel": channel.pk,
        "state": state,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "started": timezone.now().timestamp(),
    }
    return url, pending


def authorization_finish(*, channel: Channel, pending: dict, code: str) -> dict:
    """Exchange the code (with the PKCE verifier) for tokens and store them encrypted."""
    endpoints = endpoints_for(channel)
    token = _token_request(
        endpoints,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": pending["redirect_uri"],
            "code_verifier": pending["verifier"],
        },
    )
    return token_store(channel=channel, token=token)


def token_store(*, channel: Channel, token: dict) -> dict:
    """Merge a token answer into the channel's credentials (a refresh answer may omit the refresh
    token: the old one stays) and note when the access token expires."""
    creds = channel_credentials(channel)
    creds["access_token"] = token["access_token"]
    if token.get("refresh_token"):
        creds["refresh_token"] = token["refresh_token"]
    expires_at = None
    if token.get("expires_in"):
        expires_at = timezone.now() + dt.timedelta(seconds=int(token["expires_in"]))
        creds["expires_at"] = int(expires_at.timestamp())
    else:
        creds.pop("expires_at", None)
    creds["connected"] = True
    credentials_save(channel=channel, credentials=creds, expires_at=expires_at)
    return creds


def credentials_save(*, channel: Channel, credentials: dict, expires_at: dt.datetime | None | str = "unchanged"):
    channel.credentials_encrypted = credentials_encrypt(secrets=credentials)
    fields = {"credentials_encrypted": channel.credentials_encrypted, "updated_at": timezone.now()}
    if expires_at != "unchanged":
        channel.credentials_expire_at = expires_at
        fields["credentials_expire_at"] = expires_at
    Channel.objects.filter(pk=channel.pk).update(**fields)


def mark_needs_reconnect(*, channel_id: int, reason: str) -> None:
    """The channel's authorization is gone: it waits for a reconnect, and whoever manages channels is
    told (apps.notifications; repeats while unread only count up)."""
    newly = Channel.objects.filter(pk=channel_id, needs_reconnect=False).update(needs_reconnect=True)
    Channel.objects.filter(pk=channel_id).update(
        needs_reconnect=True, last_error=reason[:2000], last_error_at=timezone.now()
    )
    if newly:
        channel = Channel.objects.only("pk", "workspace_id", "name").get(pk=channel_id)
        channel_needs_reconnect(channel=channel, reason=reason)


def token_refresh(*, channel_id: int, stale_access_token: str = "") -> dict:
    """A new access token from the refresh token, under a row lock (X's refresh tokens are single
    use: two workers refreshing at once would lose the channel). If another worker already replaced
    `stale_access_token`, its result is used. Raises OAuthFailure; a `gone` one marks the channel
    as needing reconnecting (written after the locked block, so the mark is never rolled back)."""
    failure: OAuthFailure | None = None
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel_id)
        creds = channel_credentials(channel)
        if stale_access_token and creds.get("access_token") and creds["access_token"] != stale_access_token:
            return creds
        if not creds.get("refresh_token"):
            failure = OAuthFailure(
                _("The access token was refused and there is no refresh token: connect the account again."), gone=True
            )
        else:
            endpoints = endpoints_for(channel, credentials=creds)
            form = {"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]}
            try:
                return token_store(channel=channel, token=_token_request(endpoints, form))
            except OAuthFailure as exc:
                failure = exc
                if exc.gone:
                    failure = OAuthFailure(
                        _("The platform refused to renew the authorization (%(e)s): connect the account again.")
                        % {"e": exc.message},
                        gone=True,
                        status=exc.status,
                    )
    if failure.gone:
        mark_needs_reconnect(channel_id=channel_id, reason=failure.message)
    raise failure


def token_revoke(*, channel: Channel) -> None:
    """Revoke the refresh and access tokens at the platform (RFC 7009); errors are reported."""
    creds = channel_credentials(channel)
    endpoints = endpoints_for(channel, credentials=creds)
    for hint in ("refresh_token", "access_token"):
        if creds.get(hint):
            response = _post_form(endpoints, endpoints.revoke_url, {"token": creds[hint], "token_type_hint": hint})
            if response.status_code >= 400:
                raise OAuthFailure(f"HTTP {response.status_code}: {response.text[:300]}", status=response.status_code)


def channels_due_for_refresh(*, margin_seconds: int | None = None):
    margin = settings.PUBLISHING_TOKEN_REFRESH_MARGIN if margin_seconds is None else margin_seconds
    return Channel.objects.filter(
        platform__in=OAUTH_PLATFORMS,
        is_active=True,
        needs_reconnect=False,
        credentials_expire_at__isnull=False,
        credentials_expire_at__lte=timezone.now() + dt.timedelta(seconds=margin),
    ).order_by("credentials_expire_at")
