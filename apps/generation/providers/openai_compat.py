"""The OpenAI-compatible provider: the official `openai` SDK with a configurable base_url, so OpenAI,
Azure, Ollama, vLLM and llama.cpp servers all work. Streaming, structured output, images and speech."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from typing import Literal

import httpx
import openai
from django.utils.translation import gettext as _
from openai.types.chat import ChatCompletionMessageParam

from apps.core.http import BlockedAddress, GuardedTransport

from ..cards import SIZES, image_fit
from ..models import DraftFormat, JobKind
from .addresses import AI_ALLOW_SETTING
from .base import (
    BinaryResult,
    DraftRequest,
    Provider,
    ProviderError,
    ProviderRetryableError,
    ProviderUnavailable,
    StructuredDraft,
)

STRUCTURE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title", "excerpt", "hashtags", "scenes"],
    "properties": {
        "title": {"type": "string"},
        "excerpt": {"type": "string"},
        "hashtags": {"type": "array", "items": {"type": "string"}},
        "scenes": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["narration", "shot", "duration_seconds", "on_screen_text"],
                "properties": {
                    "narration": {"type": "string"},
                    "shot": {"type": "string"},
                    "duration_seconds": {"type": "integer"},
                    "on_screen_text": {"type": "string"},
                },
            },
        },
    },
}
MIME_BY_FORMAT = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
}


def _retry_after(exc: openai.APIStatusError) -> float | None:
    value = exc.response.headers.get("retry-after") if exc.response is not None else None
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _blocked_in(exc: BaseException | None) -> BlockedAddress | None:
    """The guarded transport's refusal, wherever the SDK and httpx wrapped it."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, BlockedAddress):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


class _Translate:
    """Maps the SDK's errors onto ours: only rate limits, 5xx and timeouts are worth retrying."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, ProviderError):
            return False
        if isinstance(exc, openai.RateLimitError):
            raise ProviderRetryableError(
                _("Rate limited by the provider (429)."), retry_after=_retry_after(exc)
            ) from exc
        if isinstance(exc, openai.APIStatusError):
            if exc.status_code >= 500:
                raise ProviderRetryableError(_("Provider error %(status)s.") % {"status": exc.status_code}) from exc
            raise ProviderError(
                _("The provider refused the request (%(status)s): %(message)s")
                % {"status": exc.status_code, "message": str(exc.message)[:300]}
            ) from exc
        if isinstance(exc, openai.APITimeoutError):
            raise ProviderRetryableError(_("The provider timed out.")) from exc
        refused = _blocked_in(exc)
        if refused is not None:
            # The guarded transport refused the address: retrying cannot help, and the reason is readable.
            raise ProviderError(refused.message) from exc
        if isinstance(exc, openai.APIConnectionError):
            raise ProviderRetryableError(
                _("Could not reach the provider: %(error)s") % {"error": str(exc)[:200]}
            ) from exc
        if isinstance(exc, openai.OpenAIError):
            raise ProviderError(str(exc)[:300]) from exc
        return False


_clients: dict[tuple, openai.OpenAI] = {}
_clients_lock = threading.Lock()
MAX_CLIENTS = 32


def api_key_is_valid(value: str) -> bool:
    """Printable ASCII without spaces: what an HTTP header (Authorization: Bearer …) can carry."""
    return all(0x21 <= ord(ch) <= 0x7E for ch in value)


def _client_for(*, api_key: str, base_url: str, timeout: float) -> openai.OpenAI:
    """One SDK client per configuration and process: building one (httpx pool, TLS context) costs
    ~100 ms, more than everything else a generation does outside the model."""
    key = (os.getpid(), api_key, base_url, timeout)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            if len(_clients) >= MAX_CLIENTS:
                _clients.pop(next(iter(_clients)))
            # Retries are Celery's job (with backoff and a visible state), not the SDK's hidden loop.
            client = _clients[key] = openai.OpenAI(
                api_key=api_key or "not-needed",
                base_url=base_url or None,
                timeout=timeout,
                max_retries=0,
                # The SDK's annotation names httpx2.Client; it accepts a legacy httpx.Client as well.
                http_client=_guarded_http_client(timeout),  # type: ignore[arg-type]
            )
        return client


def _guarded_http_client(timeout: float) -> httpx.Client:
    """The base URL is typed by a workspace admin: every connection goes through the same guarded
    transport as feeds and channels (private and reserved addresses refused after DNS), except the
    origins the operator lists in AI_ALLOWED_PRIVATE_ORIGINS (a local model server)."""
    return httpx.Client(
        transport=GuardedTransport(max_connections=8, allow_setting=AI_ALLOW_SETTING),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
        follow_redirects=False,
        trust_env=False,
    )


class OpenAICompatibleProvider(Provider):
    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "",
        model: str = "gpt-4o-mini",
        image_model: str = "",
        speech_model: str = "",
        speech_voice: str = "alloy",
        transcription_model: str = "whisper-1",
        timeout: float = 60.0,
    ) -> None:
        super().__init__()
        if not api_key_is_valid(api_key):
            # httpx would fail to encode it in the Authorization header at the first request.
            raise ProviderError(str(_("The API key contains characters an API key cannot have; enter it again.")))
        self.client = _client_for(api_key=api_key, base_url=base_url, timeout=timeout)
        self.model = model or "gpt-4o-mini"
        self.image_model = image_model or "gpt-image-1"
        self.speech_model = speech_model or "gpt-4o-mini-tts"
        self.speech_voice = speech_voice or "alloy"
        self.transcription_model = transcription_model

    def _messages(self, request: DraftRequest) -> list[ChatCompletionMessageParam]:
        return [{"role": "system", "content": request.system_prompt}, {"role": "user", "content": request.user_prompt}]

    def stream_draft(self, request: DraftRequest) -> Iterator[str]:
        with _Translate():
            stream = self.client.chat.completions.create(
                model=self.model,
                messages=self._messages(request),
                stream=True,
                stream_options={"include_usage": True},
                max_tokens=request.max_tokens,
                temperature=0.7,
            )
            try:
                for chunk in stream:
                    if chunk.usage is not None:
                        self.usage.prompt_tokens += chunk.usage.prompt_tokens or 0
                        self.usage.completion_tokens += chunk.usage.completion_tokens or 0
                    for choice in chunk.choices:
                        if choice.delta is not None and choice.delta.content:
                            yield choice.delta.content
            finally:
                stream.close()

    def structure(self, request: DraftRequest, text: str) -> StructuredDraft:
        if request.kind == JobKind.REFINE:
            return StructuredDraft(title=request.title, body=text)
        want_scenes = request.format == DraftFormat.VIDEO_SCRIPT
        instructions = _("Return the title, a one-sentence excerpt and 2-4 hashtags for this draft as JSON.") + (
            " " + _("Also split it into scenes with narration, shot, duration in seconds and on-screen text.")
            if want_scenes
            else " " + _("Leave scenes empty.")
        )
        with _Translate():
            response = self.client.chat.completions.create(
                model=self.model,
                messages=[{"role": "system", "content": instructions}, {"role": "user", "content": text}],
                response_format={
                    "type": "json_schema",
                    "json_schema": {"name": "draft_metadata", "strict": True, "schema": STRUCTURE_SCHEMA},
                },
                max_tokens=800,
            )
        if response.usage is not None:
            self.usage.prompt_tokens += response.usage.prompt_tokens or 0
            self.usage.completion_tokens += response.usage.completion_tokens or 0
        content = response.choices[0].message.content or "{}" if response.choices else "{}"
        try:
            data = json.loads(content)
        except json.JSONDecodeError as exc:
            raise ProviderError(_("The provider returned malformed structured output.")) from exc
        tags = ["#" + str(t).lstrip("#").replace(" ", "") for t in data.get("hashtags", []) if str(t).strip()][:6]
        scenes = []
        for n, scene in enumerate(data.get("scenes") or [], 1):
            scenes.append(
                {
                    "number": n,
                    "label": _("Scene %(n)s") % {"n": n},
                    "narration": str(scene.get("narration", "")),
                    "shot": str(scene.get("shot", "")),
                    "duration_seconds": max(1, int(scene.get("duration_seconds") or 5)),
                    "on_screen_text": str(scene.get("on_screen_text", "")),
                }
            )
        return StructuredDraft(
            title=str(data.get("title") or request.title)[:300],
            body=text,
            hashtags=tags,
            excerpt=str(data.get("excerpt", ""))[:500],
            scenes=scenes if want_scenes else [],
        )

    def image(
        self,
        *,
        prompt: str,
        title: str,
        subtitle: str = "",
        size: tuple[int, int] = (1200, 630),
        colors: list[str] | None = None,
    ) -> BinaryResult:
        response_format: Literal["b64_json"] | openai.Omit = (
            "b64_json" if self.image_model.startswith("dall-e") else openai.omit
        )
        with _Translate():
            result = self.client.images.generate(
                model=self.image_model, prompt=prompt, size="1024x1024", n=1, response_format=response_format
            )
        if not result.data or not result.data[0].b64_json:
            raise ProviderError(_("The provider returned no image."))
        wanted = (size[0], size[1])
        try:
            content = base64.b64decode(result.data[0].b64_json)
            fitted = {other: image_fit(content, other) for other in {wanted, *SIZES.values()}}
        except (ValueError, OSError) as exc:  # not base64, or not an image Pillow reads
            raise ProviderError(_("The provider returned an image that cannot be read.")) from exc
        alt = self._alt_text(content, prompt)
        data, mime, ext = fitted[wanted]
        image = BinaryResult(content=data, mime_type=mime, extension=ext, alt_text=alt, model=self.image_model)
        for other, (data, mime, ext) in fitted.items():
            if other != wanted:
                image.alternates.append(
                    BinaryResult(
                        content=data,
                        mime_type=mime,
                        extension=ext,
                        alt_text=alt,
                        model=f"{self.image_model}:{other[0]}x{other[1]}",
                    )
                )
        return image

    def _alt_text(self, content: bytes, prompt: str) -> str:
        """Alt text from the model looking at the image; the prompt describes it when that fails."""
        data_url = "data:image/png;base64," + base64.b64encode(content).decode()
        try:
            with _Translate():
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=[
                        {
                            "role": "user",
                            "content": [
                                {
                                    "type": "text",
                                    "text": _("Write alt text (one sentence, under 125 characters) for this image."),
                                },
                                {"type": "image_url", "image_url": {"url": data_url}},
                            ],
                        }
                    ],
                    max_tokens=80,
                )
            if response.usage is not None:
                self.usage.prompt_tokens += response.usage.prompt_tokens or 0
                self.usage.completion_tokens += response.usage.completion_tokens or 0
            text = (response.choices[0].message.content or "").strip() if response.choices else ""
            if text:
                return text[:500]
        except ProviderError:
            pass
        return (_("Illustration: %(prompt)s") % {"prompt": prompt})[:500]

    def speech(self, *, text: str, language: str) -> BinaryResult:
        if not self.speech_model:
            raise ProviderUnavailable(_("No speech model is configured."))
        with _Translate():
            response = self.client.audio.speech.create(
                model=self.speech_model, voice=self.speech_voice, input=text[:4000], response_format="mp3"
            )
        return BinaryResult(
            content=response.content, mime_type=MIME_BY_FORMAT["mp3"], extension="mp3", model=self.speech_model
        )

    def transcription_available(self) -> bool:
        return bool(self.transcription_model)

    def transcribe(self, *, audio: bytes, filename: str, mime_type: str, language: str = "") -> str:
        if not self.transcription_model:
            raise ProviderUnavailable(_("No speech-to-text model is configured (AI settings)."))
        wanted_language: str | openai.Omit = language or openai.omit
        with _Translate():
            result = self.client.audio.transcriptions.create(
                model=self.transcription_model,
                file=(filename, audio, mime_type),
                response_format="json",
                language=wanted_language,
            )
        return (getattr(result, "text", "") or "").strip()
