"""Media rendering: an MP4 of a 7-scene video script (title cards + espeak-ng narration) per aspect,
beside the baseline of ffmpeg alone encoding the same pictures and the same narration track (what the
pipeline adds: cards, speech, decoding and padding). Also the podcast feed for 100 episodes.

Run: .venv/bin/python -m benchmarks.bench_media   (needs ffmpeg; espeak-ng for narration)"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks._common import django_setup, median, record

SCENES = [
    ("Open models catch up", "Open models are catching up with proprietary ones."),
    ("Бенчмарки", "Независимые лаборатории воспроизвели результаты за один день."),
    ("The licence", "The weights are available under a permissive licence."),
    ("研究者", "研究者は新しいモデルを公開した。"),
    ("Critics", "Critics note that the benchmarks cover only English."),
    ("The quote", "This is the first time an open model has reached parity on these tasks."),
    ("Follow", "Follow for more on open models."),
]
ROUNDS = 3


def _scenes(size):
    from apps.generation.audio import espeak_path, speech_language, synthesize
    from apps.generation.cards import render_card
    from apps.generation.video import VideoScene

    out = []
    for title, narration in SCENES:
        audio = synthesize(narration, language=speech_language(narration))[0] if espeak_path() else b""
        out.append(VideoScene(render_card(title=title, size=size).png, 3, audio, narration))
    return out


def _baseline(scenes, size) -> float:
    """ffmpeg alone: the same pictures and one narration track, already prepared."""
    from apps.generation.video import _concat_list, _encode_command, decode_pcm, narration_track, scene_timings

    pcm = [decode_pcm(s.narration) for s in scenes]
    timings = scene_timings(scenes, pcm)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        listing = _concat_list(folder, scenes, timings)
        audio = folder / "a.wav"
        audio.write_bytes(narration_track(pcm, timings))
        start = time.perf_counter()
        subprocess.run(
            _encode_command(listing, audio, folder / "o.mp4", size), cwd=folder, check=True, capture_output=True
        )
        return time.perf_counter() - start


def _pipeline(size) -> tuple[float, int, float]:
    from apps.generation.video import render_mp4

    start = time.perf_counter()
    mp4, _vtt, duration = render_mp4(_scenes(size), size=size)
    return time.perf_counter() - start, len(mp4), duration


def _feed_seconds() -> float:
    from apps.generation.podcast import Episode, podcast_feed
    from apps.posts.models import MediaAsset, Post

    class _W:
        name, description = "Newsroom", ""

    episodes = []
    for n in range(100):
        post = Post(pk=n + 1, title=f"Эпизод {n} 🎙", excerpt="x" * 200, language="ru", tags=["ai"])
        asset = MediaAsset(pk=n + 1, mime_type="audio/mpeg", size=123456, data={"duration_seconds": 300})
        asset.file.name = f"media/1/audio/ep{n}.mp3"
        episodes.append(Episode(post=post, audio=asset))
    start = time.perf_counter()
    for _ in range(10):
        podcast_feed(
            workspace=_W(),
            persona=None,
            episodes=episodes,
            absolute=lambda p: "https://example.com" + p,
            feed_url="https://example.com/feed.xml",
            cover_url="https://example.com/cover.png",
        )
    return (time.perf_counter() - start) / 10


def main() -> None:
    django_setup(migrate=False)
    from apps.generation.video import ASPECT_SIZES

    if not shutil.which("ffmpeg"):
        raise SystemExit("ffmpeg is not installed")
    rows = []
    for aspect, size in ASPECT_SIZES.items():
        scenes = _scenes(size)
        baseline = median([_baseline(scenes, size) for _ in range(ROUNDS)])
        runs = [_pipeline(size) for _ in range(ROUNDS)]
        seconds = median([r[0] for r in runs])
        rows.append(
            f"| {aspect} {size[0]}×{size[1]} | {runs[0][2]:.1f} s | {seconds:.2f} s | {baseline:.2f} s | "
            f"x{seconds / baseline:.2f} | {runs[0][1] / 1024:.0f} KiB |"
        )
    feed = _feed_seconds()
    body = "\n".join(
        [
            f"7-scene video script (Latin, Cyrillic, Japanese narration by espeak-ng), median of {ROUNDS} rounds,",
            "H.264 (veryfast, stillimage, CRF 26, 12 fps) + AAC 96 kbit/s mono, faststart.",
            "",
            "| aspect | video length | whole pipeline (cards, speech, decode, pad, encode) | baseline: ffmpeg encode alone | ratio | file |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"Podcast feed, 100 episodes (RSS 2.0 + iTunes tags): {feed * 1000:.1f} ms per feed.",
        ]
    )
    record("media", ".venv/bin/python -m benchmarks.bench_media", body)
    print(body)


if __name__ == "__main__":
    main()
