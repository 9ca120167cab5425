"""The offline provider (the default, no key): extractive drafts from the material's own text,
Pillow title cards, and speech through espeak-ng when it is installed."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

from django.utils.translation import gettext as _

from apps.posts.document import markup_to_text

from ..audio import encode_mp3, espeak_path, speech_language, synthesize, wav_duration
from ..cards import SIZES, render_card
from ..drafting import OfflineDraft, build_offline_draft, offline_action_for, refine_offline
from ..models import JobKind, RefineAction
from .base import BinaryResult, DraftRequest, Provider, ProviderUnavailable, StructuredDraft

# The offline engine has no tokenizer; about 4 characters per token is what OpenAI's tokenizers give for English.
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // CHARS_PER_TOKEN) if text else 0


class OfflineProvider(Provider):
    name = "offline"
    model = "trendoscope-extractive-1"

    def __init__(self) -> None:
        super().__init__()
        self._draft: OfflineDraft | None = None

    def stream_draft(self, request: DraftRequest) -> Iterator[str]:
        self.usage.prompt_tokens += estimate_tokens(request.system_prompt + request.user_prompt)
        if request.kind == JobKind.REFINE:
            if request.action == RefineAction.TRANSLATE:
                raise ProviderUnavailable(
                    _("Translation needs an AI model: configure an OpenAI-compatible provider in AI settings.")
                )
            action = request.action
            if action == RefineAction.CUSTOM:
                action = offline_action_for(request.instruction)
                if not action:
                    raise ProviderUnavailable(
                        _(
                            "This needs an AI model: configure an OpenAI-compatible provider in AI settings. "
                            "Without one I can make the text shorter, split long sentences, remove repetition, "
                            "lead with the strongest paragraph and fix grammar."
                        )
                    )
            markup = refine_offline(
                action=action, text=request.text, persona=request.persona, material=request.material
            )
        else:
            self._draft = build_offline_draft(
                fmt=request.format,
                title=request.title,
                topic=request.topic,
                keywords=request.keywords,
                material=request.material,
                persona=request.persona,
                language=request.language,
            )
            markup = self._draft.markup
        # Stream word groups, as a model would, so progress and cancellation work the same way.
        for piece in re.findall(r"\S+\s*", markup, flags=re.S) if markup else []:
            self.usage.completion_tokens += estimate_tokens(piece) or 1
            yield piece

    def structure(self, request: DraftRequest, text: str) -> StructuredDraft:
        if request.kind == JobKind.REFINE or self._draft is None:
            return StructuredDraft(title=request.title, body=text)
        d = self._draft
        excerpt = markup_to_text(text).split("\n\n")[0][:280]
        return StructuredDraft(title=d.title, body=text, hashtags=d.hashtags, excerpt=excerpt, scenes=d.scenes)

    def image(
        self,
        *,
        prompt: str,
        title: str,
        subtitle: str = "",
        size: tuple[int, int] = (1200, 630),
        colors: list[str] | None = None,
    ) -> BinaryResult:
        """The title card at the asked size, with the other platform sizes (square, story) beside it."""
        card = render_card(title=title, subtitle=subtitle, size=size, colors=colors)
        result = BinaryResult(
            content=card.png, mime_type="image/png", extension="png", alt_text=card.alt_text, model="pillow"
        )
        for other in SIZES.values():
            if other != tuple(size):
                extra = render_card(title=title, subtitle=subtitle, size=other, colors=colors)
                result.alternates.append(
                    BinaryResult(
                        content=extra.png,
                        mime_type="image/png",
                        extension="png",
                        alt_text=extra.alt_text,
                        model=f"pillow:{other[0]}x{other[1]}",
                    )
                )
        return result

    def speech_available(self) -> bool:
        return espeak_path() is not None

    def speech(self, *, text: str, language: str) -> BinaryResult:
        """Narration in the language the text is in (the job's language only breaks a tie), as a WAV with a
        true header, plus an MP3 for the web when ffmpeg is installed (said so when it is not)."""
        if espeak_path() is None:
            raise ProviderUnavailable(_("Speech is not available: espeak-ng is not installed on the server."))
        spoken_language = speech_language(text, hint=language)
        try:
            wav, voice = synthesize(text, language=spoken_language)
        except (OSError, subprocess.SubprocessError, ValueError) as exc:
            raise ProviderUnavailable(_("Speech failed: %(error)s") % {"error": str(exc)[:200]}) from exc
        seconds = round(wav_duration(wav), 3)
        result = BinaryResult(
            content=wav, mime_type="audio/wav", extension="wav", model=f"espeak-ng:{voice}", duration_seconds=seconds
        )
        try:
            mp3 = encode_mp3(wav)
        except (OSError, subprocess.SubprocessError) as exc:
            mp3 = None
            result.note = _("The MP3 for the web could not be made: %(error)s") % {"error": str(exc)[:200]}
        if mp3:
            result.alternates.append(
                BinaryResult(
                    content=mp3,
                    mime_type="audio/mpeg",
                    extension="mp3",
                    model=f"espeak-ng:{voice}+lame",
                    duration_seconds=seconds,
                )
            )
        elif not result.note:
            result.note = _(
                "Only a WAV was made: ffmpeg is not installed on the server, so there is no MP3 for the web."
            )
        return result


def render_title_card(
    *, title: str, subtitle: str = "", size: tuple[int, int] = (1200, 630), label: str = "", colors=None
) -> bytes:
    """A title card PNG (see apps.generation.cards)."""
    return render_card(title=title, subtitle=subtitle, size=size, label=label, colors=colors).png
