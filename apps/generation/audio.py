"""Narration audio that plays everywhere: a WAV whose header declares its real size, the espeak-ng voice
for the language the text is actually in, and a web/podcast encoding (MP3) through ffmpeg when the
server has it.

espeak-ng's `--stdout` writes a streaming header (RIFF and data sizes 0x7FFFF000): Python's `wave`
reads that as 13.5 hours and some players refuse it, so every WAV is re-framed here before it is kept.
"""

from __future__ import annotations

import functools
import io
import shutil
import struct
import subprocess
import wave

from apps.core.language import detect_language

# ISO 639-1 (what apps.core.language returns) -> espeak-ng voice name (`espeak-ng --voices`).
ESPEAK_VOICES = {
    "en": "en-us",
    "ru": "ru",
    "uk": "uk",
    "be": "be",
    "kk": "kk",
    "de": "de",
    "fr": "fr-fr",
    "es": "es",
    "it": "it",
    "pt": "pt",
    "nl": "nl",
    "pl": "pl",
    "cs": "cs",
    "sk": "sk",
    "sl": "sl",
    "hr": "hr",
    "sr": "sr",
    "bg": "bg",
    "ro": "ro",
    "hu": "hu",
    "el": "el",
    "tr": "tr",
    "sv": "sv",
    "da": "da",
    "no": "nb",
    "fi": "fi",
    "et": "et",
    "lv": "lv",
    "lt": "lt",
    "ca": "ca",
    "zh": "cmn",
    "ja": "ja",
    "ko": "ko",
    "ar": "ar",
    "he": "he",
    "fa": "fa",
    "ur": "ur",
    "hi": "hi",
    "bn": "bn",
    "ta": "ta",
    "ka": "ka",
    "hy": "hy",
    "az": "az",
    "mk": "mk",
    "th": "th",
    "vi": "vi",
    "id": "id",
    "ms": "ms",
}
DEFAULT_VOICE = "en-us"


def espeak_path() -> str | None:
    return shutil.which("espeak-ng") or shutil.which("espeak")


def ffmpeg_path() -> str | None:
    return shutil.which("ffmpeg")


@functools.lru_cache(maxsize=4)
def installed_voices(binary: str) -> frozenset[str]:
    """The voice names this espeak-ng knows (its `--voices` table, second column)."""
    try:
        out = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.split()[1] for line in out.splitlines()[1:] if len(line.split()) > 1)


def speech_language(text: str, *, hint: str = "") -> str:
    """The language the narration is in: detected on the text itself (an English persona's English text is
    read in English whatever the job says); the hint decides only when the text cannot."""
    return detect_language(text[:4000], hint=hint) or (hint or "en").split("-")[0].lower()


def voice_for(language: str, *, available: frozenset[str] | None = None) -> str:
    """espeak-ng voice for an ISO 639-1 code; English when espeak-ng has no voice for it."""
    code = (language or "").replace("_", "-").split("-")[0].lower()
    voice = ESPEAK_VOICES.get(code, code or DEFAULT_VOICE)
    if available and voice not in available:
        return DEFAULT_VOICE if DEFAULT_VOICE in available or not available else sorted(available)[0]
    return voice


def wav_fix_header(data: bytes) -> bytes:
    """The same PCM audio with RIFF and data chunk sizes that match the bytes actually there.

    Reads the chunks by hand (the declared sizes may be lies), then writes a fresh file with `wave`.
    Raises ValueError when the bytes are not a PCM WAV at all."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    pos, fmt, pcm = 12, None, None
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body_start = pos + 8
        if chunk_id == b"fmt ":
            fmt = data[body_start : body_start + size]
        elif chunk_id == b"data":
            # A streaming header says "as much as there will be": take what is there.
            pcm = data[body_start : min(len(data), body_start + size)]
            break
        pos = body_start + size + (size & 1)
    if fmt is None or pcm is None or len(fmt) < 16:
        raise ValueError("WAV without fmt or data chunk")
    audio_format, channels, rate, _byte_rate, block_align, bits = struct.unpack("<HHIIHH", fmt[:16])
    if audio_format != 1 or not channels or not block_align:
        raise ValueError("not PCM audio")
    pcm = pcm[: len(pcm) - len(pcm) % block_align]
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(bits // 8)
        writer.setframerate(rate)
        writer.writeframes(pcm)
    return out.getvalue()


def wav_duration(data: bytes) -> float:
    with wave.open(io.BytesIO(data), "rb") as reader:
        return reader.getnframes() / float(reader.getframerate())


def synthesize(text: str, *, language: str, rate_wpm: int = 165, timeout: float = 120) -> tuple[bytes, str]:
    """(WAV bytes with a true header, espeak-ng voice used). Raises OSError/SubprocessError/ValueError."""
    binary = espeak_path()
    if binary is None:
        raise FileNotFoundError("espeak-ng")
    voice = voice_for(language, available=installed_voices(binary))
    result = subprocess.run(
        [binary, "-v", voice, "-s", str(rate_wpm), "--stdout", "--stdin"],
        input=text[:20000].encode(),
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return wav_fix_header(result.stdout), voice


def encode_mp3(wav: bytes, *, timeout: float = 120) -> bytes | None:
    """MP3 (mono, 64 kbit/s: speech) of a WAV for the web and podcast apps; None without ffmpeg."""
    binary = ffmpeg_path()
    if binary is None:
        return None
    result = subprocess.run(
        [binary, "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0"]
        + ["-vn", "-ac", "1", "-codec:a", "libmp3lame", "-b:a", "64k", "-f", "mp3", "pipe:1"],
        input=wav,
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout or None
