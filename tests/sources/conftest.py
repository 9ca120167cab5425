"""A local HTTP server the fetch tests point feeds at (threaded http.server on 127.0.0.1)."""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote

import pytest

from apps.sources import dedup


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    gzip: bool = False
    trickle: bool = False  # one byte a second
    stream_bytes: int = 0  # an endless-looking body of this many bytes, sent in chunks


class FeedServer:
    def __init__(self):
        self.routes: dict[str, Route] = {}
        # path (without query) -> handler(query dict, headers) -> Route: a protocol speaking server
        self.handlers: dict[str, object] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path)
                path, _sep, query = self.path.partition("?")
                path = unquote(path)
                if route is None and path in server.handlers:
                    route = server.handlers[path](parse_qs(query), {k.lower(): v for k, v in self.headers.items()})
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.trickle:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    try:
                        for _ in range(100):
                            self.wfile.write(b"<")
                            self.wfile.flush()
                            time.sleep(1)
                    except OSError:
                        pass
                    return
                if route.stream_bytes:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.end_headers()  # no length: read until close
                    chunk = b"x" * 65536
                    try:
                        for _ in range(route.stream_bytes // len(chunk)):
                            self.wfile.write(chunk)
                    except OSError:
                        pass
                    self.close_connection = True
                    return
                body = route.body
                self.send_response(route.status)
                headers = {"Content-Type": "application/rss+xml; charset=utf-8", **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    headers["Content-Encoding"] = "gzip"
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes = b"", **kwargs) -> str:
        self.routes[path] = Route(body=body, **kwargs)
        return self.url(path)

    def handle(self, path: str, handler) -> str:
        self.handlers[path] = handler
        return self.url(path)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture
def allow_private(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture(autouse=True)
def _fresh_dedup_index():
    dedup.forget_workspace()
    yield
    dedup.forget_workspace()


def rss(items: list[dict], *, title: str = "Test feed", ttl: int | None = None) -> bytes:
    from xml.sax.saxutils import escape

    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>{escape(title)}</title>']
    parts.append("<link>https://example.com/</link>")
    if ttl:
        parts.append(f"<ttl>{ttl}</ttl>")
    for item in items:
        parts.append("<item>")
        for key in ("title", "link", "guid", "author", "pubDate"):
            if key in item:
                parts.append(f"<{key}>{escape(item[key])}</{key}>")
        if "description" in item:
            parts.append(f"<description>{escape(item['description'])}</description>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()
