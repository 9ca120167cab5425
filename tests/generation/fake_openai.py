"""A local OpenAI-compatible HTTP server for tests and benchmarks: chat completions (streaming over
SSE, structured output via response_format), image generation, audio speech, and injected failures
(429 with Retry-After, 500, slow answers) so the real `openai` client is exercised end to end."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from email import policy as email_policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

DEFAULT_DRAFT = (
    "Open models are closing the gap with proprietary ones. Benchmarks published this week show a "
    "narrow margin on reasoning tasks.\n\n## What happened\n\nSeveral labs released weights under "
    "permissive licences, and independent evaluators reproduced the results.\n\n## What they're saying\n\n"
    "> “The gap is now a matter of months, not years.”\n> — Jane Doe, Example News\n\n## Sources\n\n"
    "- [Example News](https://example.com/news/1)\n"
)


def _png(width: int = 64, height: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


class FakeOpenAI:
    """Start with .start(); point the SDK at .base_url. Queue failures with .fail_next(...)."""

    def __init__(self, *, draft: str = DEFAULT_DRAFT, token_delay: float = 0.0):
        self.draft = draft
        self.transcript = "Привет, мир. 世界 👋"
        self.token_delay = token_delay
        self.plan: list[tuple[str, float]] = []  # ("429"|"500"|"slow", seconds)
        self.requests: list[dict] = []
        self.sent_at: dict[int, float] = {}  # streamed token index -> time.time() when written
        self.lock = threading.Lock()
        self.stamp_tokens = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _json(self, status: int, body: dict, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw or b"{}") if "json" in (self.headers.get("Content-Type") or "") else {}
                with fake.lock:
                    fake.requests.append(
                        {"path": self.path, "body": body, "authorization": self.headers.get("Authorization", "")}
                    )
                    step = fake.plan.pop(0) if fake.plan else None
                if step is not None:
                    kind, seconds = step
                    if kind == "429":
                        return self._json(
                            429,
                            {"error": {"message": "Rate limit reached", "type": "rate_limit"}},
                            {"Retry-After": str(seconds)},
                        )
                    if kind == "500":
                        return self._json(500, {"error": {"message": "Internal error", "type": "server_error"}})
                    if kind == "slow":
                        time.sleep(seconds)
                if not self.path.startswith("/v1/"):
                    return self._json(404, {"error": {"message": f"no route {self.path}"}})
                if self.path.endswith("/chat/completions"):
                    return self._chat(body)
                if self.path.endswith("/images/generations"):
                    return self._json(
                        200,
                        {
                            "created": int(time.time()),
                            "data": [{"b64_json": base64.b64encode(_png(1024, 1024)).decode()}],
                        },
                    )
                if self.path.endswith("/audio/transcriptions"):
                    return self._transcription(raw)
                if self.path.endswith("/audio/speech"):
                    audio = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 256
                    self.send_response(200)
                    self.send_header("Content-Type", "audio/mpeg")
                    self.send_header("Content-Length", str(len(audio)))
                    self.end_headers()
                    self.wfile.write(audio)
                    return None
                return self._json(404, {"error": {"message": f"no route {self.path}"}})

            def _chat(self, body: dict):
                messages = body.get("messages", [])
                prompt_tokens = sum(len(json.dumps(m.get("content", ""))) // 4 for m in messages)
                fmt = body.get("response_format") or {}
                if fmt.get("type") == "json_schema":
                    content = json.dumps(
                        {
                            "title": "Open models close the gap",
                            "excerpt": "Open models are closing the gap with proprietary ones.",
                            "hashtags": ["#OpenModels", "AI"],
                            "scenes": [
                                {
                                    "narration": "Open models are catching up.",
                                    "shot": "Title card",
                                    "duration_seconds": 4,
                                    "on_screen_text": "Open models",
                                },
                                {
                                    "narration": "Benchmarks show a narrow margin.",
                                    "shot": "Chart",
                                    "duration_seconds": 5,
                                    "on_screen_text": "The margin",
                                },
                            ],
                        }
                    )
                    return self._completion(content, prompt_tokens)
                last = messages[-1]["content"] if messages else ""
                if isinstance(last, list):
                    return self._completion("A blue square illustration.", prompt_tokens)
                if not body.get("stream"):
                    return self._completion(fake.draft, prompt_tokens)
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                tokens = [t + " " for t in fake.draft.split(" ")]
                for index, token in enumerate(tokens):
                    if fake.token_delay:
                        time.sleep(fake.token_delay)
                    text = f"⟨{index}⟩{token}" if fake.stamp_tokens else token
                    chunk = {
                        "id": "chatcmpl-1",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
                    }
                    try:
                        self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                        self.wfile.flush()
                    except (BrokenPipeError, ConnectionResetError):
                        return None
                    fake.sent_at[index] = time.time()
                final = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                usage = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": body.get("model", "fake"),
                    "choices": [],
                    "usage": {
                        "prompt_tokens": prompt_tokens,
                        "completion_tokens": len(tokens),
                        "total_tokens": prompt_tokens + len(tokens),
                    },
                }
                try:
                    self.wfile.write(f"data: {json.dumps(final)}\n\n".encode())
                    if (body.get("stream_options") or {}).get("include_usage"):
                        self.wfile.write(f"data: {json.dumps(usage)}\n\n".encode())
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return None

            def _transcription(self, raw: bytes):
                """Whisper-compatible: a multipart form with `file` and `model`; the parts are kept for tests."""
                message = BytesParser(policy=email_policy.default).parsebytes(
                    b"Content-Type: " + self.headers.get("Content-Type", "").encode() + b"\r\n\r\n" + raw
                )
                parts = {}
                for part in message.iter_parts():
                    name = part.get_param("name", header="content-disposition")
                    parts[name] = {
                        "filename": part.get_filename(),
                        "content_type": part.get_content_type(),
                        "data": part.get_payload(decode=True),
                    }
                with fake.lock:
                    fake.requests[-1]["parts"] = parts
                if "file" not in parts or not parts["file"]["data"]:
                    return self._json(400, {"error": {"message": "file is required"}})
                return self._json(200, {"text": fake.transcript})

            def _completion(self, content: str, prompt_tokens: int):
                completion_tokens = max(1, len(content) // 4)
                return self._json(
                    200,
                    {
                        "id": "chatcmpl-2",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": "fake",
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                        ],
                        "usage": {
                            "prompt_tokens": prompt_tokens,
                            "completion_tokens": completion_tokens,
                            "total_tokens": prompt_tokens + completion_tokens,
                        },
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, kind: str, seconds: float = 0.0, times: int = 1) -> None:
        with self.lock:
            self.plan += [(kind, seconds)] * times

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]
