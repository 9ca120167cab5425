"""Text embeddings for trend clustering and persona suggestions.

Two providers, same interface (`name`, `embed(texts) -> float32 array (n, dim)` of unit rows):

- `WordLlamaProvider`: the 256-dimension English model shipped inside the `wordllama` wheel, loaded from
  the package's own folder with downloads disabled (its default loader looks for the tokenizer in a
  `tokenizer/` folder, finds none beside `tokenizers/`, and would try to download). Offline, CPU, ~0.1 ms
  per headline. No cross-lingual signal.
- `OpenAIProvider`: any OpenAI-compatible `POST {base_url}/embeddings` endpoint (Ollama, vLLM, OpenAI)
  a workspace configures. Its HTTP client goes through the guarded transport of apps/core/http.py
  (workspace-configured URL: private and reserved addresses are refused at connect time).

Vectors are stored as float32 bytes (`to_bytes`/`from_bytes`)."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from apps.core.crypto import decrypt_text
from apps.core.http import FetchError, GuardedTransport

logger = logging.getLogger(__name__)
# Stored embedding keys use the AI keys' purpose (settings.CREDENTIAL_FIELDS rotates both).
EMBEDDING_KEY_PURPOSE = "trendoscope-fields:"

OFFLINE_NAME = "wordllama-l2supercat-256-latin"
EMBED_TEXT_CHARS = 600
REMOTE_BATCH = 128


class EmbeddingError(Exception):
    """The provider could not embed (unreachable, refused address, bad answer)."""


def embed_text(title: str, text: str = "") -> str:
    """What is embedded for an item: its title and the start of its body (the lede carries the story;
    averaging a whole article's words blurs it)."""
    title = (title or "").strip()
    body = (text or "").strip()[:EMBED_TEXT_CHARS]
    return f"{title}. {body}" if title and body else title or body


def normalize_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes | memoryview | None) -> np.ndarray | None:
    if not data:
        return None
    raw = bytes(data)
    if len(raw) % 4:
        return None
    return np.frombuffer(raw, dtype="<f4").astype(np.float32)


class WordLlamaProvider:
    name = OFFLINE_NAME
    _model = None
    _lock = threading.Lock()

    @classmethod
    def model(cls):
        if cls._model is None:
            with cls._lock:
                if cls._model is None:
                    import wordllama  # heavy optional: wordllama loads its model; only when items are embedded
                    from wordllama import WordLlama  # heavy optional: as above

                    cls._model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
        return cls._model

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit rows; a zero row for a text mostly outside the Latin script (the model's vocabulary is
        English: a Russian text comes out near every other Russian text, which would merge their stories)."""
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        matrix = normalize_rows(self.model().embed([t or " " for t in texts], norm=False))
        matrix[[not reads_latin(t) for t in texts]] = 0.0
        return matrix


_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def reads_latin(text: str) -> bool:
    """Whether at least half of a text's letters are Latin (a text without letters, emoji only, passes)."""
    letters = len(_LETTER.findall(text or ""))
    return not letters or 2 * len(_LATIN_LETTER.findall(text)) >= letters


@dataclass
class OpenAIProvider:
    """OpenAI-compatible `/v1/embeddings`. base_url is the API root (e.g. http://127.0.0.1:11434/v1)."""

    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 20.0
    _client: object | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return f"openai:{self.model}"[:64]

    def client(self):
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.timeout, connect=5.0),
                # A local embedding server passes only when the operator lists it (AI_ALLOWED_PRIVATE_ORIGINS).
                transport=GuardedTransport(max_connections=4, allow_setting="AI_ALLOWED_PRIVATE_ORIGINS"),
                follow_redirects=False,
                trust_env=False,
                headers={"User-Agent": "Trendoscope-Embeddings/1.0"},
            )
        return self._client

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        url = self.base_url.rstrip("/") + "/embeddings"
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        out: list[np.ndarray] = []
        for start in range(0, len(texts), REMOTE_BATCH):
            chunk = [t or " " for t in texts[start : start + REMOTE_BATCH]]
            try:
                response = self.client().post(url, json={"model": self.model, "input": chunk}, headers=headers)
            except (httpx.HTTPError, FetchError, OSError) as exc:
                raise EmbeddingError(f"embedding request failed: {exc}") from exc
            if response.status_code != 200:
                raise EmbeddingError(f"embedding endpoint answered HTTP {response.status_code}")
            try:
                data = response.json()["data"]
                rows = sorted(data, key=lambda d: d.get("index", 0))
                matrix = np.asarray([r["embedding"] for r in rows], dtype=np.float32)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise EmbeddingError("embedding endpoint sent an unreadable answer") from exc
            if matrix.ndim != 2 or matrix.shape[0] != len(chunk) or not np.isfinite(matrix).all():
                raise EmbeddingError("embedding endpoint sent the wrong number or shape of vectors")
            out.append(matrix)
        dims = {m.shape[1] for m in out}
        if len(dims) != 1:
            raise EmbeddingError("embedding endpoint changed the vector size between batches")
        return normalize_rows(np.concatenate(out))


_offline = WordLlamaProvider()


def offline_provider() -> WordLlamaProvider:
    return _offline


def provider_for(settings) -> WordLlamaProvider | OpenAIProvider | None:
    """The provider a workspace's TrendSettings choose (None: embeddings off, words only)."""
    kind = getattr(settings, "embedding_provider", "offline") or "offline"
    if kind == "none":
        return None
    if kind == "openai" and settings.embedding_url and settings.embedding_model:
        return OpenAIProvider(
            base_url=settings.embedding_url,
            model=settings.embedding_model,
            api_key=decrypt_text(settings.embedding_api_key, purpose=EMBEDDING_KEY_PURPOSE),
        )
    return _offline
