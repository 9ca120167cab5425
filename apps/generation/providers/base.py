"""The one interface every AI provider implements, and the plain data passed across it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _


class ProviderError(Exception):
    """The provider refused or failed in a way retrying will not fix (bad key, bad request)."""


class ProviderRetryableError(ProviderError):
    """A failure that can pass: rate limit (429), server error (5xx), timeout, lost connection."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class ProviderUnavailable(ProviderError):
    """The provider cannot do this at all here (e.g. speech without espeak-ng, offline translation)."""


@dataclass
class SourceText:
    """One piece of source material the draft may quote: an item, or the trend's own summary."""

    title: str
    text: str
    url: str = ""
    author: str = ""
    source_name: str = ""
    item_id: int | None = None


@dataclass
class PersonaBrief:
    name: str = ""
    description: str = ""
    voice: str = ""
    audience: str = ""
    topics: list[str] = field(default_factory=list)
    rules_always: list[str] = field(default_factory=list)
    rules_never: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    avg_sentence_length: float = 0.0


@dataclass
class DraftRequest:
    kind: str  # "generate" or "refine"
    format: str
    language: str
    persona: PersonaBrief
    system_prompt: str
    user_prompt: str
    topic: str = ""
    keywords: list[str] = field(default_factory=list)
    material: list[SourceText] = field(default_factory=list)
    action: str = ""  # refine: shorter, longer, formal, casual, persona, translate, grammar
    target_language: str = ""
    text: str = ""  # refine: the current text
    title: str = ""
    max_tokens: int = 1800
    instruction: str = ""  # refine "custom": the editor's own words
    history: list[str] = field(default_factory=list)  # refine: the editor's earlier requests on this post


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class StructuredDraft:
    title: str
    body: str  # markup (see documents.py)
    hashtags: list[str] = field(default_factory=list)
    excerpt: str = ""
    scenes: list[dict] = field(default_factory=list)  # video script: narration, shot, duration_seconds


@dataclass
class BinaryResult:
    content: bytes
    mime_type: str
    extension: str
    alt_text: str = ""
    model: str = ""
    # Other encodings of the same media (narration: the MP3 beside the WAV) and why one is missing.
    alternates: list[BinaryResult] = field(default_factory=list)
    note: str = ""
    duration_seconds: float = 0.0  # audio: its length, when known (podcast feeds list it)


class Provider(ABC):
    name: str = ""
    model: str = ""

    def __init__(self) -> None:
        self.usage = Usage()

    @abstractmethod
    def stream_draft(self, request: DraftRequest) -> Iterator[str]:
        """Yield the draft's text as it is produced (markup, see documents.py); adds to self.usage."""

    @abstractmethod
    def structure(self, request: DraftRequest, text: str) -> StructuredDraft:
        """Title, body, hashtags (and scenes for a video script) for the streamed text."""

    @abstractmethod
    def image(
        self,
        *,
        prompt: str,
        title: str,
        subtitle: str = "",
        size: tuple[int, int] = (1200, 630),
        colors: list[str] | None = None,
    ) -> BinaryResult:
        """A featured image (or a storyboard still) for the draft; colors: the persona's (hex), if any."""

    @abstractmethod
    def speech(self, *, text: str, language: str) -> BinaryResult:
        """Spoken audio of the text; raises ProviderUnavailable when this provider cannot speak here."""

    def speech_available(self) -> bool:
        return True

    def transcribe(self, *, audio: bytes, filename: str, mime_type: str, language: str = "") -> str:
        """The words spoken in the audio (dictation); raises ProviderUnavailable when this provider cannot."""
        raise ProviderUnavailable(
            _(
                "Dictation needs a speech-to-text model: configure an OpenAI-compatible provider with a "
                "Whisper-compatible model in AI settings."
            )
        )

    def transcription_available(self) -> bool:
        return False
