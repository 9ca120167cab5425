"""The offline provider (the default, no key): extractive drafts from the material's own text,
Pillow title cards, and speech through espeak-ng when it is installed."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from apps.posts.document import markup_to_text

from ..audio import encode_mp3, espeak_path, speech_language, synthesize
from ..drafting import build_offline_draft, refine_offline
from .base import BinaryResult, DraftRequest, Provider, ProviderUnavailable, StructuredDraft

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
# The offline engine has no tokenizer; about 4 characters per token is what OpenAI's tokenizers give for English.
CHARS_PER_TOKEN = 4


def _font(size: int, bold: bool = False):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for directory in FONT_DIRS:
        if (directory / name).exists():
            return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size=size)


def estimate_tokens(text: str) -> int:
    return max(1, len(text) // CHARS_PER_TOKEN) if text else 0


class OfflineProvider(Provider):
    name = "offline"
    model = "trendoscope-extractive-1"

    def __init__(self) -> None:
        super().__init__()
        self._draft = None

    def stream_draft(self, request: DraftRequest) -> Iterator[str]:
        self.usage.prompt_tokens += estimate_tokens(request.system_prompt + request.user_prompt)
        if request.kind == "refine":
            if request.action == "translate":
                raise ProviderUnavailable(
                    _("Translation needs an AI model: configure an OpenAI-compatible provider in AI settings.")
                )
            markup = refine_offline(
                action=request.action, text=request.text, persona=request.persona, material=request.material
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
        if request.kind == "refine" or self._draft is None:
            return StructuredDraft(title=request.title, body=text)
        d = self._draft
        excerpt = markup_to_text(text).split("\n\n")[0][:280]
        return StructuredDraft(title=d.title, body=text, hashtags=d.hashtags, excerpt=excerpt, scenes=d.scenes)

    def image(
        self, *, prompt: str, title: str, subtitle: str = "", size: tuple[int, int] = (1200, 630)
    ) -> BinaryResult:
        png = render_title_card(title=title, subtitle=subtitle, size=size)
        alt = _("Title card reading “%(title)s”") % {"title": title[:200]}
        if subtitle:
            alt += " — " + subtitle[:200]
        return BinaryResult(content=png, mime_type="image/png", extension="png", alt_text=alt[:500], model="pillow")

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
        result = BinaryResult(content=wav, mime_type="audio/wav", extension="wav", model=f"espeak-ng:{voice}")
        try:
            mp3 = encode_mp3(wav)
        except (OSError, subprocess.SubprocessError) as exc:
            mp3 = None
            result.note = _("The MP3 for the web could not be made: %(error)s") % {"error": str(exc)[:200]}
        if mp3:
            result.alternates.append(
                BinaryResult(content=mp3, mime_type="audio/mpeg", extension="mp3", model=f"espeak-ng:{voice}+lame")
            )
        elif not result.note:
            result.note = _("Only a WAV was made: ffmpeg is not installed on the server, so there is no MP3 for the web.")
        return result


def _palette(seed: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255
    import colorsys

    dark = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.55, 0.32))
    light = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.08) % 1, 0.45, 0.62))
    return dark, light  # type: ignore[return-value]


def render_title_card(*, title: str, subtitle: str = "", size: tuple[int, int] = (1200, 630), label: str = "") -> bytes:
    """A featured image: the title over a diagonal gradient, colours derived from the title."""
    width, height = size
    dark, light = _palette(title)
    gradient = Image.linear_gradient("L").rotate(45, expand=True).resize(size)
    image = Image.composite(Image.new("RGB", size, light), Image.new("RGB", size, dark), gradient)
    draw = ImageDraw.Draw(image)
    margin = width // 14
    title_font = _font(max(24, width // 18), bold=True)
    small = _font(max(14, width // 45))
    y = margin
    if label:
        draw.text((margin, y), label.upper(), font=small, fill=(255, 255, 255))
        y += int(small.size * 2)
    chars = max(10, int((width - 2 * margin) / (title_font.size * 0.55)))
    for line in textwrap.wrap(title, chars)[:4]:
        draw.text((margin, y), line, font=title_font, fill=(255, 255, 255))
        y += int(title_font.size * 1.25)
    if subtitle:
        y += small.size
        for line in textwrap.wrap(subtitle, int(chars * 1.6))[:3]:
            draw.text((margin, y), line, font=small, fill=(235, 235, 235))
            y += int(small.size * 1.4)
    draw.text((margin, height - margin), "Trendoscope", font=small, fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
