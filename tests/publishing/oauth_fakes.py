"""The sign-in side of the fake platforms: OAuth 2.0 authorization servers speaking X's, LinkedIn's and
Mastodon's protocols (authorize with state and an S256 code challenge, the code exchange checking the
verifier and the redirect address, rotating refresh tokens, RFC 7009 revocation, Mastodon's app
registration), Bluesky's refreshSession/getSession and LinkedIn's OpenID userinfo. Mounted on
FakePlatforms (fakes.py), so the API calls that follow accept the tokens issued here."""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import secrets
import threading
from urllib.parse import parse_qs, urlencode

# path of the authorize endpoint -> platform; token and revoke paths likewise
AUTHORIZE = {"/i/oauth2/authorize": "x", "/oauth/v2/authorization": "linkedin", "/oauth/authorize": "mastodon"}
TOKEN = {"/2/oauth2/token": "x", "/oauth/v2/accessToken": "linkedin", "/oauth/token": "mastodon"}
REVOKE = {"/2/oauth2/revoke": "x", "/oauth/v2/revoke": "linkedin", "/oauth/revoke": "mastodon"}

X_CLIENT = ("x-client", "x-secret")
LINKEDIN_CLIENT = ("li-client", "li-secret")


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class OAuthServer:
    def __init__(self, fake):
        self.fake = fake
        self.lock = threading.Lock()
        self.clients: dict[str, dict] = {
            X_CLIENT[0]: {"secret": X_CLIENT[1], "platform": "x", "redirect_uris": None},
            LINKEDIN_CLIENT[0]: {"secret": LINKEDIN_CLIENT[1], "platform": "linkedin", "redirect_uris": None},
        }
        self.codes: dict[str, dict] = {}
        self.refresh_tokens: dict[str, dict] = {}  # refresh token -> {"client_id", "access"}
        self.access_tokens: dict[str, str] = {}  # access token -> client id
        self.counter = itertools.count(1)
        self.auto_approve = True  # False: the authorize endpoint shows a consent page
        self.deny = False
        self.expires_in = {"x": 7200, "linkedin": 5_184_000, "mastodon": None}
        self.with_refresh = {"x": True, "linkedin": True, "mastodon": False}
        self.token_requests: list[dict] = []
        self.revoked: list[str] = []
        self.apps_registered: list[dict] = []
        self.tickets: dict[str, dict] = {}  # consent page ticket -> where to send the answer

    # --- helpers
    def _issue(self, platform: str, client_id: str) -> dict:
        n = next(self.counter)
        access = f"{platform}-at-{n}-{secrets.token_hex(4)}"
        token = {"access_token": access, "token_type": "bearer", "scope": "granted"}
        self.access_tokens[access] = client_id
        self.fake.valid_tokens.add(access)
        if self.expires_in.get(platform):
            token["expires_in"] = self.expires_in[platform]
        if self.with_refresh.get(platform):
            refresh = f"{platform}-rt-{n}-{secrets.token_hex(4)}"
            token["refresh_token"] = refresh
            self.refresh_tokens[refresh] = {"client_id": client_id, "access": access}
        return token

    def expire_access(self, access: str) -> None:
        """The access token stops working (as after its two hours); the refresh token still does."""
        self.fake.valid_tokens.discard(access)
        self.access_tokens.pop(access, None)

    def revoke_everything(self) -> None:
        """The person removed the app on the platform: every token of every client stops working."""
        for access in list(self.access_tokens):
            self.expire_access(access)
        self.refresh_tokens.clear()

    def _client_auth(self, headers, form: dict) -> tuple[str, str, str]:
        auth = headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _sep, secret = base64.b64decode(auth[6:]).decode().partition(":")
            return client_id, secret, "basic"
        return form.get("client_id", ""), form.get("client_secret", ""), "post"

    # --- routes
    def route(self, method, path, query, raw: bytes, headers):
        form = {k: v[0] for k, v in parse_qs(raw.decode(errors="replace")).items()} if raw else {}
        if path in AUTHORIZE and method == "GET":
            return self.authorize(AUTHORIZE[path], {k: v[0] for k, v in query.items()})
        if path == "/oauth-fake/decide":
            ticket = self.tickets.pop(query.get("ticket", [""])[0], None)
            if ticket is None:
                return 400, {"error": "unknown ticket"}, {}
            if query.get("approve") == ["1"]:
                answer = {"code": ticket["code"], "state": ticket["state"]}
            else:
                self.codes.pop(ticket["code"], None)
                answer = {"error": "access_denied", "error_description": "The user cancelled", "state": ticket["state"]}
            return 302, None, {"Location": f"{ticket['redirect_uri']}?{urlencode(answer)}"}
        if path in TOKEN and method == "POST":
            return self.token(TOKEN[path], form, headers)
        if path in REVOKE and method == "POST":
            return self.revoke(form, headers)
        if path == "/api/v1/apps" and method == "POST":
            return self.register_app(form or {})
        if path == "/v2/userinfo":
            token = headers.get("Authorization", "")[7:]
            if token not in self.fake.valid_tokens:
                return 401, {"serviceErrorCode": 65600, "message": "Invalid access token", "status": 401}, {}
            return 200, {"sub": "abc123", "name": "Ада Lovelace 🧮", "email_verified": True}, {}
        return None

    def authorize(self, platform: str, params: dict):
        client = self.clients.get(params.get("client_id", ""))
        if client is None or client["platform"] != platform:
            return 400, {"error": "invalid_client", "error_description": "unknown client"}, {}
        redirect_uri = params.get("redirect_uri", "")
        if client["redirect_uris"] is not None and redirect_uri not in client["redirect_uris"]:
            return 400, {"error": "invalid_request", "error_description": "redirect_uri not registered"}, {}
        if params.get("response_type") != "code" or params.get("code_challenge_method") != "S256":
            return 400, {"error": "invalid_request", "error_description": "S256 PKCE required"}, {}
        if not params.get("code_challenge") or not params.get("state"):
            return 400, {"error": "invalid_request", "error_description": "state and code_challenge required"}, {}
        state = params["state"]
        if self.deny:
            return 302, None, {"Location": f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}"}
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {
                "client_id": params["client_id"],
                "redirect_uri": redirect_uri,
                "challenge": params["code_challenge"],
                "platform": platform,
                "scope": params.get("scope", ""),
            }
        location = f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"
        if self.auto_approve:
            return 302, None, {"Location": location}
        ticket = secrets.token_urlsafe(8)
        self.tickets[ticket] = {"redirect_uri": redirect_uri, "code": code, "state": state}
        page = (
            "<!doctype html><html><head><title>Authorize app</title></head><body>"
            f"<h1>Authorize Trendoscope on {html.escape(platform)}?</h1>"
            f"<p>Scopes: {html.escape(params.get('scope', ''))}</p>"
            f'<a id="approve" href="/oauth-fake/decide?ticket={ticket}&approve=1">Authorize app</a> '
            f'<a id="deny" href="/oauth-fake/decide?ticket={ticket}&approve=0">Cancel</a></body></html>'
        )
        return 200, page, {"Content-Type": "text/html; charset=utf-8"}

    def token(self, platform: str, form: dict, headers):
        client_id, secret, how = self._client_auth(headers, form)
        self.token_requests.append({"platform": platform, "form": dict(form), "auth": how})
        client = self.clients.get(client_id)
        if client is None or client["secret"] != secret:
            return 401, {"error": "invalid_client", "error_description": "client authentication failed"}, {}
        grant = form.get("grant_type")
        with self.lock:
            if grant == "authorization_code":
                entry = self.codes.pop(form.get("code", ""), None)  # single use
                if entry is None or entry["client_id"] != client_id:
                    return 400, {"error": "invalid_grant", "error_description": "unknown or used code"}, {}
                if entry["redirect_uri"] != form.get("redirect_uri"):
                    return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}, {}
                if s256(form.get("code_verifier", "")) != entry["challenge"]:
                    return 400, {"error": "invalid_grant", "error_description": "code_verifier does not match"}, {}
                return 200, self._issue(platform, client_id), {}
            if grant == "refresh_token":
                entry = self.refresh_tokens.pop(form.get("refresh_token", ""), None)  # rotating
                if entry is None or entry["client_id"] != client_id:
                    return 400, {"error": "invalid_grant", "error_description": "refresh token invalid or revoked"}, {}
                self.expire_access(entry["access"])
                return 200, self._issue(platform, client_id), {}
        return 400, {"error": "unsupported_grant_type"}, {}

    def revoke(self, form: dict, headers):
        client_id, secret, _how = self._client_auth(headers, form)
        client = self.clients.get(client_id)
        if client is None or client["secret"] != secret:
            return 401, {"error": "invalid_client"}, {}
        token = form.get("token", "")
        with self.lock:
            self.revoked.append(token)
            entry = self.refresh_tokens.pop(token, None)
            if entry:
                self.expire_access(entry["access"])
            self.expire_access(token)
        return 200, {"revoked": True}, {}

    def register_app(self, form: dict):
        if not form.get("client_name") or not form.get("redirect_uris"):
            return 422, {"error": "Validation failed: Name can't be blank, Redirect URI can't be blank"}, {}
        n = next(self.counter)
        client_id, secret = f"masto-client-{n}", f"masto-secret-{n}"
        self.clients[client_id] = {
            "secret": secret,
            "platform": "mastodon",
            "redirect_uris": form["redirect_uris"].split(),
        }
        self.apps_registered.append(dict(form))
        return (
            200,
            {
                "id": str(n),
                "name": form["client_name"],
                "website": form.get("website"),
                "redirect_uri": form["redirect_uris"],
                "client_id": client_id,
                "client_secret": secret,
            },
            {},
        )
