"""Video, rendered: an MP4 (H.264 + AAC) made by ffmpeg from one picture per scene (the scene's title card,
in scene order) and the narration, with WebVTT captions beside it.

The narration of every scene is decoded to one PCM format (ffmpeg, whatever the provider returned: espeak-ng's
WAV, a model's MP3), padded with silence to the scene's length and joined, so pictures and speech stay in
step; a scene without speech is silent, and the file always has an audio track (players and platforms expect
one). ffmpeg reports its position on `-progress pipe:1`; the caller gets the share done as it encodes."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ASPECT_SIZES = {"16:9": (1280, 720), "9:16": (720, 1280), "1:1": (1080, 1080)}
SAMPLE_RATE = 24000
FRAME_RATE = 12  # still pictures: a low rate keeps the file small and the encode fast
SCENE_PADDING = 0.4  # seconds of silence after a scene's narration


class VideoUnavailable(Exception):
    """The server cannot render video (no ffmpeg)."""


@dataclass
class VideoScene:
    picture: bytes  # PNG at the video's size
    seconds: float  # the script's duration for the scene
    narration: bytes = b""  # audio in any format ffmpeg reads (WAV, MP3, ...)
    caption: str = ""


def ffmpeg_binary() -> str:
    binary = shutil.which("ffmpeg")
    if binary is None:
        raise VideoUnavailable("ffmpeg")
    return binary


def decode_pcm(audio: bytes, *, timeout: float = 120) -> bytes:
    """Mono 16-bit PCM at SAMPLE_RATE of any audio ffmpeg reads; empty for empty input."""
    if not audio:
        return b""
    result = subprocess.run(
        [ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-i", "pipe:0"]
        + ["-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "pipe:1"],
        input=audio,
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return result.stdout


def scene_timings(scenes: list[VideoScene], pcm: list[bytes]) -> list[float]:
    """Each scene lasts as the script says, or as long as its narration (and a breath) when that is longer."""
    return [
        round(max(float(scene.seconds or 1), len(audio) / 2 / SAMPLE_RATE + (SCENE_PADDING if audio else 0)), 3)
        for scene, audio in zip(scenes, pcm, strict=True)
    ]


def narration_track(pcm: list[bytes], timings: list[float]) -> bytes:
    """One WAV: each scene's speech padded with silence to the scene's length."""
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(SAMPLE_RATE)
        for audio, seconds in zip(pcm, timings, strict=True):
            frames = round(seconds * SAMPLE_RATE)
            audio = audio[: frames * 2]
            writer.writeframes(audio + b"\x00\x00" * (frames - len(audio) // 2))
    return out.getvalue()


def _timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def captions_vtt(captions: list[str], timings: list[float]) -> str:
    """WebVTT cues, one per scene with text, at the scene's place in the video."""
    lines, start = ["WEBVTT", ""], 0.0
    for n, (text, seconds) in enumerate(zip(captions, timings, strict=True), 1):
        end = start + seconds
        text = " ".join((text or "").replace("-->", "→").split())
        if text:
            lines += [str(n), f"{_timestamp(start)} --> {_timestamp(end)}", text, ""]
        start = end
    return "\n".join(lines)


def _concat_list(folder: Path, scenes: list[VideoScene], timings: list[float]) -> Path:
    """ffmpeg's concat demuxer script: each picture for its scene's length (the last one repeated, as the
    demuxer ignores the last duration)."""
    entries = []
    for n, (scene, seconds) in enumerate(zip(scenes, timings, strict=True)):
        path = folder / f"scene{n:03d}.png"
        path.write_bytes(scene.picture)
        entries += [f"file '{path.name}'", f"duration {seconds:.3f}"]
    entries.append(f"file 'scene{len(scenes) - 1:03d}.png'")
    listing = folder / "scenes.txt"
    listing.write_text("\n".join(entries) + "\n", encoding="utf-8")
    return listing


def _encode_command(listing: Path, audio: Path, out: Path, size: tuple[int, int]) -> list[str]:
    width, height = size
    scale = (
        f"scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,fps={FRAME_RATE},format=yuv420p"
    )
    return [
        ffmpeg_binary(),
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostats",
        "-y",
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        str(listing),
        "-i",
        str(audio),
        "-vf",
        scale,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "stillimage",
        "-profile:v",
        "high",
        "-crf",
        "26",
        "-c:a",
        "aac",
        "-b:a",
        "96k",
        "-ac",
        "1",
        "-shortest",
        "-movflags",
        "+faststart",
        "-progress",
        "pipe:1",
        str(out),
    ]


def render_mp4(
    scenes: list[VideoScene],
    *,
    size: tuple[int, int],
    on_progress: Callable[[float], None] | None = None,
    timeout: float = 900,
) -> tuple[bytes, str, float]:
    """(MP4 bytes, WebVTT captions, duration in seconds). on_progress gets the share encoded (0..1).
    Raises VideoUnavailable without ffmpeg, subprocess errors when ffmpeg fails, ValueError without scenes."""
    if not scenes:
        raise ValueError("no scenes")
    pcm = [decode_pcm(scene.narration) for scene in scenes]
    timings = scene_timings(scenes, pcm)
    total = sum(timings)
    with tempfile.TemporaryDirectory(prefix="trendoscope-video-") as tmp:
        folder = Path(tmp)
        listing = _concat_list(folder, scenes, timings)
        audio = folder / "narration.wav"
        audio.write_bytes(narration_track(pcm, timings))
        out = folder / "video.mp4"
        process = subprocess.Popen(
            _encode_command(listing, audio, out, size),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=folder,
        )
        try:
            if process.stdout is None or process.stderr is None:  # both were asked for as pipes
                raise OSError("ffmpeg was started without its output pipes")
            for line in process.stdout:  # key=value lines; out_time_us is the position written so far
                key, _sep, value = line.strip().partition("=")
                if key == "out_time_us" and value.isdigit() and on_progress is not None:
                    on_progress(min(1.0, int(value) / 1e6 / total))
            stderr = process.stderr.read()
            code = process.wait(timeout=timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
        if code != 0:
            raise subprocess.CalledProcessError(code, "ffmpeg", stderr=stderr)
        return out.read_bytes(), captions_vtt([s.caption for s in scenes], timings), round(total, 3)


def probe(path_or_bytes: bytes | str) -> dict:
    """ffprobe's view of a media file (streams and format), for checks and tests."""
    binary = shutil.which("ffprobe")
    if binary is None:
        raise VideoUnavailable("ffprobe")
    args = [binary, "-v", "error", "-print_format", "json", "-show_streams", "-show_format"]
    if isinstance(path_or_bytes, bytes):
        result = subprocess.run(args + ["pipe:0"], input=path_or_bytes, capture_output=True, check=True, timeout=60)
    else:
        result = subprocess.run(args + [path_or_bytes], capture_output=True, check=True, timeout=60)
    return json.loads(result.stdout)
