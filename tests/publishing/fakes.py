"""A local HTTP server speaking the real endpoints of every platform the adapters use, with injectable
faults (429 with Retry-After, 500, a timeout after the request arrived, a reset connection, an expired
token). Used by the tests and by the publishing benchmarks."""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import regex

from .oauth_fakes import OAuthServer

URL_RE = re.compile(r"https?://\S+")


def x_len(text: str) -> int:
    from apps.publishing.formatting import x_weighted_length

    return x_weighted_length(text)


class FakePlatforms:
    """Start with .start(); .url is the base. Inspect .requests, .store and the per-platform state."""

    def __init__(
        self,
        *,
        mastodon_limit: int = 500,
        webhook_secret: str = "hook-secret",
        telegram_limits: tuple[int, float] | None = None,
        telegram_global_per_second: int | None = None,
        random_fault_rate: float = 0.0,
        random_seed: int = 7,
        response_delay: float = 0.0,
    ):
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.faults: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.ids = itertools.count(1000)
        self.mastodon_limit = mastodon_limit
        self.webhook_secret = webhook_secret
        self.webhook_keys: collections.Counter = collections.Counter()  # key -> times applied
        self.webhook_requests: collections.Counter = collections.Counter()  # key -> requests seen
        self.webhook_first_seen: dict[str, float] = {}
        self.webhook_bodies: dict[str, dict] = {}
        self.idempotent_results: dict[str, tuple[int, dict]] = {}
        self.statuses: dict[str, dict] = {}
        self.wp_posts: dict[int, dict] = {}
        self.tg_messages: list[dict] = []
        self.tg_sent: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.tg_all: collections.deque = collections.deque()
        self.tg_429 = 0
        self.telegram_limits = telegram_limits  # (per chat, window seconds)
        self.telegram_global_per_second = telegram_global_per_second
        self.discord_messages: dict[str, dict] = {}
        self.discord_markers: collections.Counter = collections.Counter()
        self.bsky_records: dict[str, dict] = {}
        self.bsky_sessions = 0
        self.bsky_expired_jwts: set[str] = set()
        self.tweets: dict[str, dict] = {}
        self.linkedin_posts: dict[str, dict] = {}
        self.valid_tokens = {"good-token"}
        self.oauth = OAuthServer(self)
        self.bsky_refresh_jwts: set[str] = set()
        # Media uploads on every platform: id/cid/urn -> {"platform", "data", "mime", "alt", "filename"}.
        self.uploads: dict[str, dict] = {}
        self.max_upload_bytes = 5_000_000
        self.bsky_blob_limit = 1_000_000
        self.mastodon_image_limit = 16 * 1024 * 1024  # what /api/v2/instance announces
        self.mastodon_media_polls = 0  # > 0: answer 202 and "206 still processing" this many times
        import random

        self.random = random.Random(random_seed)
        self.random_fault_rate = random_fault_rate
        self.random_faults = 0
        self.response_delay = response_delay
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self) -> FakePlatforms:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def inject(self, prefix: str, *faults: str) -> None:
        """Queue faults for the next requests whose path starts with `prefix`: "429", "429:<secs>",
        "500", "timeout" (answer after the client gave up), "reset" (close without answering),
        "400", "expired"."""
        with self.lock:
            self.faults[prefix].extend(faults)

    def _next_fault(self, path: str) -> str | None:
        with self.lock:
            for prefix, queue in self.faults.items():
                if path.startswith(prefix) and queue:
                    return queue.popleft()
        return None

    # -----------------------------------------------------------------------------------------
    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this, Nagle + delayed ACK add 40 ms.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _send(self, status: int, data=None, headers: dict | None = None):
                headers = dict(headers or {})
                body = (
                    data.encode() if isinstance(data, str) else json.dumps(data).encode() if data is not None else b""
                )
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, str(v))
                self.end_headers()
                self.wfile.write(body)

            def _dispatch(self, method: str):
                raw = self._body()
                parts = urlsplit(self.path)
                path, query = parts.path, parse_qs(parts.query)
                try:
                    payload = json.loads(raw) if raw else {}
                except ValueError:
                    payload = {}
                with fake.lock:
                    fake.requests.append(
                        {
                            "method": method,
                            "path": path,
                            "query": query,
                            "json": payload,
                            "headers": dict(self.headers),
                            "size": len(raw),
                        }
                    )
                fault = fake._next_fault(path)
                if fault is None and fake.random_fault_rate and path.startswith(("/hook", "/api/webhooks")):
                    with fake.lock:
                        if fake.random.random() < fake.random_fault_rate:
                            fake.random_faults += 1
                            fault = fake.random.choice(["500", "429:1"])
                if fault:
                    if fault == "reset":
                        # The request arrived and is applied, but the answer is lost.
                        fake_route(fake, method, path, query, payload, self.headers, raw)
                        self.close_connection = True
                        self.connection.shutdown(2)
                        return
                    if fault == "timeout":
                        fake_route(fake, method, path, query, payload, self.headers, raw)
                        time.sleep(1.5)
                        return self._send(504, {"error": "late"})
                    if fault.startswith("429"):
                        retry = fault.split(":", 1)[1] if ":" in fault else "1"
                        if "/bot" in path:
                            return self._send(
                                429,
                                {
                                    "ok": False,
                                    "error_code": 429,
                                    "description": f"Too Many Requests: retry after {retry}",
                                    "parameters": {"retry_after": int(float(retry))},
                                },
                            )
                        return self._send(
                            429, {"error": "Too Many Requests", "message": "rate limited"}, {"Retry-After": retry}
                        )
                    if fault == "500":
                        return self._send(500, {"error": "Internal Server Error"})
                    if fault == "400":
                        return self._send(400, {"error": "InvalidRequest", "message": "bad request injected"})
                    if fault == "expired":
                        return self._send(
                            401, {"error": "invalid_token", "error_description": "The access token expired"}
                        )
                if fake.response_delay:
                    time.sleep(fake.response_delay)
                status, data, headers = fake_route(fake, method, path, query, payload, self.headers, raw)
                self._send(status, data, headers)

            def do_GET(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

            def do_DELETE(self):
                self._dispatch("DELETE")

            def do_PUT(self):
                self._dispatch("PUT")

        return Handler


def _bearer(headers) -> str:
    value = headers.get("Authorization", "")
    return value[7:] if value.startswith("Bearer ") else ""


def _multipart(headers, raw: bytes) -> dict[str, tuple[str, bytes, str]]:
    """name -> (filename, bytes, content type) of a multipart/form-data body."""
    import email.parser
    import email.policy

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + headers.get("Content-Type", "").encode() + b"\r\n\r\n" + raw
    )
    fields = {}
    for part in message.iter_parts() if message.is_multipart() else []:
        name = part.get_param("name", header="content-disposition")
        fields[name] = (part.get_filename() or "", part.get_payload(decode=True) or b"", part.get_content_type())
    return fields


def media_route(fake: FakePlatforms, method, path, query, payload, headers, raw):
    """The upload endpoints: Mastodon /api/v2/media, Bluesky uploadBlob, X /2/media/upload and metadata,
    LinkedIn images API (initializeUpload + PUT), WordPress /wp/v2/media. None when not a media route."""
    nid = lambda: str(next(fake.ids))  # noqa: E731
    too_big = lambda n: n > fake.max_upload_bytes  # noqa: E731
    if path == "/api/v2/media" and method == "POST":
        if _bearer(headers) not in fake.valid_tokens:
            return 401, {"error": "The access token is invalid"}, {}
        fields = _multipart(headers, raw)
        if "file" not in fields:
            return 422, {"error": "Validation failed: File can't be blank"}, {}
        filename, data, mime = fields["file"]
        if too_big(len(data)):
            return 413, {"error": "File is too large"}, {}
        description = fields.get("description", ("", b"", ""))[1].decode()
        mid = nid()
        with fake.lock:
            fake.uploads[mid] = {
                "platform": "mastodon",
                "data": data,
                "mime": mime,
                "alt": description,
                "filename": filename,
                "pending_polls": fake.mastodon_media_polls,
            }
        attachment = {"id": mid, "type": "image", "description": description, "url": f"{fake.url}/m/{mid}"}
        if fake.mastodon_media_polls:
            return 202, {**attachment, "url": None}, {}
        return 200, attachment, {}
    m = re.fullmatch(r"/api/v1/media/(\d+)", path)
    if m and method == "GET":
        upload = fake.uploads.get(m.group(1))
        if upload is None or _bearer(headers) not in fake.valid_tokens:
            return 404, {"error": "Record not found"}, {}
        if upload["pending_polls"] > 0:
            upload["pending_polls"] -= 1
            return 206, {"id": m.group(1), "type": "image", "url": None}, {}
        return 200, {"id": m.group(1), "type": "image", "url": f"{fake.url}/m/{m.group(1)}"}, {}
    if path == "/xrpc/com.atproto.repo.uploadBlob" and method == "POST":
        jwt = _bearer(headers)
        if not jwt.startswith("jwt-"):
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}, {}
        if jwt in fake.bsky_expired_jwts:
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}, {}
        if len(raw) > fake.bsky_blob_limit:
            return (
                400,
                {
                    "error": "BlobTooLarge",
                    "message": f"This file is too large. It is {len(raw)} bytes but the maximum size is "
                    f"{fake.bsky_blob_limit} bytes.",
                },
                {},
            )
        cid = "bafkrei" + hashlib.sha256(raw).hexdigest()[:40]
        mime = headers.get("Content-Type", "")
        with fake.lock:
            fake.uploads[cid] = {"platform": "bluesky", "data": raw, "mime": mime, "alt": ""}
        return 200, {"blob": {"$type": "blob", "ref": {"$link": cid}, "mimeType": mime, "size": len(raw)}}, {}
    if path == "/2/media/upload" and method == "POST":
        if _bearer(headers) not in fake.valid_tokens:
            return 401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}, {}
        try:
            data = base64.b64decode(payload.get("media", ""), validate=True)
        except ValueError:
            data = b""
        if not data or payload.get("media_category") != "tweet_image":
            return 400, {"title": "Invalid Request", "detail": "media and media_category are required"}, {}
        if too_big(len(data)):
            return 413, {"title": "Payload Too Large", "detail": "File size exceeds the limit"}, {}
        mid = nid()
        with fake.lock:
            fake.uploads[mid] = {"platform": "x", "data": data, "mime": payload.get("media_type", ""), "alt": ""}
        return 200, {"data": {"id": mid, "media_key": f"3_{mid}", "size": len(data)}}, {}
    if path == "/2/media/metadata" and method == "POST":
        upload = fake.uploads.get(str(payload.get("id")))
        if upload is None:
            return 400, {"title": "Invalid Request", "detail": "unknown media id"}, {}
        upload["alt"] = payload.get("metadata", {}).get("alt_text", {}).get("text", "")
        return 200, {"data": {"associated_metadata": True}}, {}
    if path == "/rest/images" and method == "POST" and query.get("action") == ["initializeUpload"]:
        if _bearer(headers) not in fake.valid_tokens:
            return 401, {"serviceErrorCode": 65600, "message": "Invalid access token", "status": 401}, {}
        owner = payload.get("initializeUploadRequest", {}).get("owner")
        if not owner:
            return 422, {"message": "owner is required"}, {}
        iid = nid()
        with fake.lock:
            fake.uploads[f"urn:li:image:{iid}"] = {"platform": "linkedin", "data": None, "owner": owner, "alt": ""}
        return (
            200,
            {
                "value": {
                    "uploadUrlExpiresAt": int(time.time() * 1000) + 3600_000,
                    "uploadUrl": f"{fake.url}/li-upload/{iid}",
                    "image": f"urn:li:image:{iid}",
                }
            },
            {},
        )
    m = re.fullmatch(r"/li-upload/(\d+)", path)
    if m and method == "PUT":
        upload = fake.uploads.get(f"urn:li:image:{m.group(1)}")
        if upload is None:
            return 404, {"message": "Unknown upload"}, {}
        if too_big(len(raw)):
            return 413, {"message": "Request Entity Too Large"}, {}
        upload.update(data=raw, mime=headers.get("Content-Type", ""))
        return 201, None, {}
    if path.startswith("/wp-json/wp/v2/media"):
        auth = headers.get("Authorization", "")
        if not auth.startswith("Basic ") or base64.b64decode(auth[6:]).decode() != "editor:abcd efgh ijkl":
            return 401, {"code": "rest_not_logged_in", "message": "You are not currently logged in."}, {}
        if path == "/wp-json/wp/v2/media" and method == "POST":
            disposition = headers.get("Content-Disposition", "")
            filename = re.search(r'filename="?([^";]+)"?', disposition)
            if not filename:
                return (
                    400,
                    {"code": "rest_upload_no_content_disposition", "message": "No Content-Disposition supplied."},
                    {},
                )
            if not raw:
                return 400, {"code": "rest_upload_no_data", "message": "No data supplied."}, {}
            if too_big(len(raw)):
                return 413, {"code": "rest_upload_file_too_big", "message": "The uploaded file is too large."}, {}
            mid = int(nid())
            with fake.lock:
                fake.uploads[str(mid)] = {
                    "platform": "wordpress",
                    "data": raw,
                    "mime": headers.get("Content-Type", ""),
                    "alt": "",
                    "filename": filename.group(1),
                }
            return 201, {"id": mid, "source_url": f"{fake.url}/wp-content/uploads/{filename.group(1)}"}, {}
        m = re.fullmatch(r"/wp-json/wp/v2/media/(\d+)", path)
        if m and method == "POST":
            upload = fake.uploads.get(m.group(1))
            if upload is None:
                return 404, {"code": "rest_post_invalid_id", "message": "Invalid post ID."}, {}
            upload["alt"] = payload.get("alt_text", upload["alt"])
            return 200, {"id": int(m.group(1)), "alt_text": upload["alt"]}, {}
    return None


def _uploaded(fake: FakePlatforms, key, platform: str) -> bool:
    upload = fake.uploads.get(str(key))
    return bool(upload and upload["platform"] == platform and upload.get("data") is not None)


def bluesky_session_route(fake: FakePlatforms, path, headers):
    """com.atproto.server.refreshSession (Bearer refreshJwt, single use) and getSession ("who am I")."""
    if path == "/xrpc/com.atproto.server.refreshSession":
        token = _bearer(headers)
        if token not in fake.bsky_refresh_jwts:
            return 400, {"error": "ExpiredToken", "message": "Token has been revoked"}, {}
        fake.bsky_refresh_jwts.discard(token)
        fake.bsky_sessions += 1
        fake.bsky_refresh_jwts.add(f"refresh-{fake.bsky_sessions}")
        return (
            200,
            {
                "accessJwt": f"jwt-{fake.bsky_sessions}",
                "refreshJwt": f"refresh-{fake.bsky_sessions}",
                "did": "did:plc:fake",
                "handle": "news.bsky.social",
            },
            {},
        )
    if path == "/xrpc/com.atproto.server.getSession":
        jwt = _bearer(headers)
        if not jwt.startswith("jwt-"):
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}, {}
        if jwt in fake.bsky_expired_jwts:
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}, {}
        return 200, {"handle": "news.bsky.social", "did": "did:plc:fake", "active": True}, {}
    return None


def fake_route(fake: FakePlatforms, method, path, query, payload, headers, raw) -> tuple[int, dict | None, dict]:
    nid = lambda: str(next(fake.ids))  # noqa: E731
    routed = fake.oauth.route(method, path, query, raw, headers) or bluesky_session_route(fake, path, headers)
    if routed is not None:
        return routed
    routed = media_route(fake, method, path, query, payload, headers, raw)
    if routed is not None:
        return routed
    # --- signed webhook ------------------------------------------------------------------------
    if path.startswith("/hook"):
        key = headers.get("Idempotency-Key", "")
        timestamp = headers.get("X-Trendoscope-Timestamp", "")
        expected = hmac.new(fake.webhook_secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()
        if headers.get("X-Trendoscope-Signature") != f"sha256={expected}":
            return 401, {"error": "bad signature"}, {}
        with fake.lock:
            fake.webhook_requests[key] += 1
            if key in fake.idempotent_results:
                return (*fake.idempotent_results[key], {})
            fake.webhook_keys[key] += 1
            fake.webhook_first_seen[key] = time.time()
            fake.webhook_bodies[key] = payload
            result = (200, {"id": f"hook-{nid()}", "url": f"{fake.url}/hooked/{key}"})
            fake.idempotent_results[key] = result
        return (*result, {})
    # --- WordPress -------------------------------------------------------------------------------
    if path.startswith("/wp-json/wp/v2"):
        auth = headers.get("Authorization", "")
        if not auth.startswith("Basic ") or base64.b64decode(auth[6:]).decode() != "editor:abcd efgh ijkl":
            return (
                401,
                {"code": "rest_not_logged_in", "message": "You are not currently logged in.", "data": {"status": 401}},
                {},
            )
        if path == "/wp-json/wp/v2/posts" and method == "POST":
            if not payload.get("title"):
                return 400, {"code": "rest_invalid_param", "message": "Invalid parameter(s): title"}, {}
            if payload.get("featured_media") and not _uploaded(fake, payload["featured_media"], "wordpress"):
                return 400, {"code": "rest_invalid_featured_media", "message": "Invalid featured media ID."}, {}
            pid = int(nid())
            fake.wp_posts[pid] = payload
            return 201, {"id": pid, "link": f"{fake.url}/?p={pid}", "status": payload.get("status")}, {}
        m = re.fullmatch(r"/wp-json/wp/v2/posts/(\d+)", path)
        if m and method == "DELETE":
            if int(m.group(1)) not in fake.wp_posts:
                return 404, {"code": "rest_post_invalid_id", "message": "Invalid post ID."}, {}
            fake.wp_posts.pop(int(m.group(1)))
            return 200, {"deleted": False, "id": int(m.group(1))}, {}
        if path == "/wp-json/wp/v2/users/me":
            return 200, {"id": 1, "name": "Editor"}, {}
        if path == "/wp-json/wp/v2/comments":
            return 200, [], {"X-WP-Total": "3"}
    # --- Mastodon --------------------------------------------------------------------------------
    if path == "/api/v2/instance":
        return (
            200,
            {
                "domain": "fake.social",
                "configuration": {
                    "statuses": {"max_characters": fake.mastodon_limit, "characters_reserved_per_url": 23},
                    "media_attachments": {
                        "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp"],
                        "image_size_limit": fake.mastodon_image_limit,
                    },
                },
            },
            {},
        )
    if path.startswith("/api/v1/"):
        if _bearer(headers) not in fake.valid_tokens:
            return 401, {"error": "The access token is invalid"}, {}
        if path == "/api/v1/statuses" and method == "POST":
            key = headers.get("Idempotency-Key")
            if key and key in fake.idempotent_results:
                return (*fake.idempotent_results[key], {})
            text = payload.get("status", "")
            if len(URL_RE.sub("x" * 23, text)) > fake.mastodon_limit:
                return (
                    422,
                    {"error": f"Validation failed: Text character limit of {fake.mastodon_limit} exceeded"},
                    {},
                )
            media_ids = [str(i) for i in payload.get("media_ids") or []]
            for media_id in media_ids:
                upload = fake.uploads.get(media_id)
                if upload is None or upload["platform"] != "mastodon":
                    return 422, {"error": "Validation failed: Media attachments are invalid"}, {}
                if upload["pending_polls"] > 0:
                    return 422, {"error": "Cannot attach files that have not finished processing. Try again!"}, {}
            sid = nid()
            status = {
                "media_attachments": [{"id": i, "description": fake.uploads[i]["alt"]} for i in media_ids],
                "id": sid,
                "url": f"{fake.url}/@news/{sid}",
                "content": text,
                "in_reply_to_id": payload.get("in_reply_to_id"),
                "favourites_count": 5,
                "reblogs_count": 2,
                "replies_count": 1,
            }
            fake.statuses[sid] = status
            if key:
                fake.idempotent_results[key] = (200, status)
            return 200, status, {}
        m = re.fullmatch(r"/api/v1/statuses/(\d+)", path)
        if m:
            if m.group(1) not in fake.statuses:
                return 404, {"error": "Record not found"}, {}
            if method == "DELETE":
                return 200, fake.statuses.pop(m.group(1)), {}
            return 200, fake.statuses[m.group(1)], {}
        if path == "/api/v1/accounts/verify_credentials":
            return 200, {"acct": "news"}, {}
    # --- Telegram ----------------------------------------------------------------------------------
    m = re.fullmatch(r"/bot([^/]+)/(\w+)", path)
    if m:
        token, api_method = m.groups()
        if token != "123:good":
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}, {}
        if api_method == "getMe":
            return 200, {"ok": True, "result": {"id": 123, "is_bot": True, "username": "news_bot"}}, {}
        chat = str(payload.get("chat_id"))
        if api_method in ("sendMessage", "sendPhoto"):
            now = time.monotonic()
            with fake.lock:
                if fake.telegram_limits:
                    per_chat, window = fake.telegram_limits
                    sent = fake.tg_sent[chat]
                    while sent and sent[0] < now - window:
                        sent.popleft()
                    if len(sent) >= per_chat:
                        fake.tg_429 += 1
                        wait = int(window - (now - sent[0])) + 1
                        return (
                            429,
                            {
                                "ok": False,
                                "error_code": 429,
                                "description": f"Too Many Requests: retry after {wait}",
                                "parameters": {"retry_after": wait},
                            },
                            {},
                        )
                if fake.telegram_global_per_second:
                    while fake.tg_all and fake.tg_all[0] < now - 1.0:
                        fake.tg_all.popleft()
                    if len(fake.tg_all) >= fake.telegram_global_per_second:
                        fake.tg_429 += 1
                        return (
                            429,
                            {
                                "ok": False,
                                "error_code": 429,
                                "description": "Too Many Requests: retry after 1",
                                "parameters": {"retry_after": 1},
                            },
                            {},
                        )
                text = payload.get("text") if api_method == "sendMessage" else payload.get("caption", "")
                limit = 4096 if api_method == "sendMessage" else 1024
                if text is not None and len(text.encode("utf-16-le")) // 2 > limit:
                    return 400, {"ok": False, "error_code": 400, "description": "Bad Request: message is too long"}, {}
                fake.tg_sent[chat].append(now)
                fake.tg_all.append(now)
                mid = int(nid())
                fake.tg_messages.append({"chat": chat, "id": mid, "method": api_method, "t": now, **payload})
            return (
                200,
                {
                    "ok": True,
                    "result": {
                        "message_id": mid,
                        "chat": {"id": -100, "username": chat.lstrip("@"), "type": "channel"},
                    },
                },
                {},
            )
        if api_method == "deleteMessage":
            fake.tg_messages = [t for t in fake.tg_messages if t["id"] != payload.get("message_id")]
            return 200, {"ok": True, "result": True}, {}
    # --- Discord -----------------------------------------------------------------------------------
    m = re.fullmatch(r"/api/webhooks/(\d+)/([\w-]+)(?:/messages/(\d+))?", path)
    if m:
        if m.group(2) != "hooktoken":
            return 401, {"message": "Invalid Webhook Token", "code": 50027}, {}
        if method == "GET" and not m.group(3):
            return 200, {"id": m.group(1), "type": 1, "name": "Newsroom hook", "channel_id": "55"}, {}
        if method == "DELETE":
            return (
                (204, None, {})
                if fake.discord_messages.pop(m.group(3), None)
                else (404, {"message": "Unknown Message", "code": 10008}, {})
            )
        content = payload.get("content", "")
        if len(content) > 2000:
            return 400, {"message": "Invalid Form Body", "code": 50035}, {}
        mid = nid()
        fake.discord_messages[mid] = payload
        marker = re.search(r"\[pub:(\d+)\]", content)
        if marker:
            with fake.lock:
                fake.discord_markers[marker.group(1)] += 1
        return 200, {"id": mid, "channel_id": "55", "guild_id": "66", "content": content}, {}
    # --- Bluesky -------------------------------------------------------------------------------------
    if path == "/xrpc/com.atproto.server.createSession":
        if payload.get("password") != "app-pass-1234":
            return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, {}
        fake.bsky_sessions += 1
        fake.bsky_refresh_jwts.add(f"refresh-{fake.bsky_sessions}")
        return (
            200,
            {
                "accessJwt": f"jwt-{fake.bsky_sessions}",
                "refreshJwt": f"refresh-{fake.bsky_sessions}",
                "did": "did:plc:fake",
                "handle": payload["identifier"],
            },
            {},
        )
    if path.startswith("/xrpc/"):
        jwt = _bearer(headers)
        if not jwt.startswith("jwt-"):
            return 401, {"error": "AuthenticationRequired", "message": "Authentication Required"}, {}
        if jwt in fake.bsky_expired_jwts:
            return 400, {"error": "ExpiredToken", "message": "Token has expired"}, {}
        if path == "/xrpc/com.atproto.repo.createRecord":
            record = payload.get("record", {})
            if len(regex.findall(r"\X", record.get("text", ""))) > 300:
                return (
                    400,
                    {
                        "error": "InvalidRequest",
                        "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
                    },
                    {},
                )
            for item in (record.get("embed") or {}).get("images", []):
                if not _uploaded(fake, item.get("image", {}).get("ref", {}).get("$link"), "bluesky"):
                    return 400, {"error": "BlobNotFound", "message": "Could not find blob"}, {}
            rkey = "3k" + nid()
            uri = f"at://did:plc:fake/app.bsky.feed.post/{rkey}"
            fake.bsky_records[uri] = record
            return 200, {"uri": uri, "cid": "bafy" + rkey}, {}
        if path == "/xrpc/com.atproto.repo.deleteRecord":
            fake.bsky_records.pop(f"at://did:plc:fake/app.bsky.feed.post/{payload.get('rkey')}", None)
            return 200, {}, {}
        if path == "/xrpc/app.bsky.feed.getPosts":
            uris = query.get("uris", [])
            return (
                200,
                {
                    "posts": [
                        {"uri": u, "likeCount": 7, "repostCount": 3, "replyCount": 2, "quoteCount": 1}
                        for u in uris
                        if u in fake.bsky_records
                    ]
                },
                {},
            )
    # --- X -----------------------------------------------------------------------------------------
    if path.startswith("/2/"):
        if _bearer(headers) not in fake.valid_tokens:
            return 401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, {}
        if path == "/2/tweets" and method == "POST":
            text = payload.get("text", "")
            if x_len(text) > 280:
                return (
                    403,
                    {
                        "detail": "You are not allowed to create a Tweet with more than 280 characters.",
                        "title": "Forbidden",
                    },
                    {},
                )
            for media_id in (payload.get("media") or {}).get("media_ids", []):
                if not _uploaded(fake, media_id, "x"):
                    return 400, {"title": "Invalid Request", "detail": f"media id {media_id} not found"}, {}
            tid = nid()
            fake.tweets[tid] = payload
            return 201, {"data": {"id": tid, "text": text}}, {}
        m = re.fullmatch(r"/2/tweets/(\d+)", path)
        if m:
            if method == "DELETE":
                return 200, {"data": {"deleted": fake.tweets.pop(m.group(1), None) is not None}}, {}
            return (
                200,
                {
                    "data": {
                        "id": m.group(1),
                        "public_metrics": {
                            "retweet_count": 4,
                            "reply_count": 2,
                            "like_count": 10,
                            "quote_count": 1,
                            "impression_count": 321,
                        },
                    }
                },
                {},
            )
        if path == "/2/users/me":
            return 200, {"data": {"id": "1", "username": "newsroom"}}, {}
    # --- LinkedIn --------------------------------------------------------------------------------------
    if path.startswith("/rest/"):
        if _bearer(headers) not in fake.valid_tokens:
            return 401, {"serviceErrorCode": 65600, "message": "Invalid access token", "status": 401}, {}
        if not headers.get("LinkedIn-Version"):
            return 426, {"message": "A version must be present"}, {}
        if path == "/rest/posts" and method == "POST":
            if len(payload.get("commentary", "")) > 3000 * 2:
                return 422, {"message": "commentary too long"}, {}
            image_urn = (payload.get("content") or {}).get("media", {}).get("id")
            if image_urn and not _uploaded(fake, image_urn, "linkedin"):
                return 422, {"message": f"Image {image_urn} is not uploaded"}, {}
            urn = f"urn:li:share:{nid()}"
            fake.linkedin_posts[urn] = payload
            return 201, None, {"x-restli-id": urn}
        m = re.fullmatch(r"/rest/posts/(.+)", path)
        if m and method == "DELETE":
            fake.linkedin_posts.pop(unquote(m.group(1)), None)
            return 204, None, {}
        m = re.fullmatch(r"/rest/socialActions/(.+)", path)
        if m:
            return 200, {"likesSummary": {"totalLikes": 12}, "commentsSummary": {"aggregatedTotalComments": 3}}, {}
    return 404, {"error": f"no fake route for {method} {path}"}, {}
