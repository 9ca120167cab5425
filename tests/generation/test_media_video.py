"""Video, rendered: an MP4 (H.264 + AAC) from a post's video script, checked with ffprobe (an independent
reader): codecs, size per aspect, duration against the scenes, captions as WebVTT, progress on the row,
the file in the configured storage, and visible failures."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from apps.core.errors import Forbidden, InvalidInput, NotFound
from apps.generation import video as video_module
from apps.generation.models import GenerationJob, JobStatus, VideoRender
from apps.generation.services import generation_start
from apps.generation.services_studio import video_render_run, video_render_start
from apps.generation.video import VideoScene, captions_vtt, probe, render_mp4, scene_timings
from apps.posts.models import MediaAsset

pytestmark = pytest.mark.django_db
needs_ffmpeg = pytest.mark.skipif(not shutil.which("ffmpeg") or not shutil.which("ffprobe"), reason="ffmpeg")


@pytest.fixture
def script(django_capture_on_commit_callbacks, writer, workspace, trend):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, trend=trend, fmt="video_script", with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    return MediaAsset.objects.get(post=job.post, kind="video_script")


def _vtt_cues(text: str) -> list[tuple[float, float, str]]:
    def seconds(stamp):
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    cues = []
    for start, end, body in re.findall(r"(\S+) --> (\S+)\n(.+)", text):
        cues.append((seconds(start), seconds(end), body))
    return cues


@needs_ffmpeg
@pytest.mark.parametrize("aspect,size", [("16:9", (1280, 720)), ("9:16", (720, 1280)), ("1:1", (1080, 1080))])
def test_render_is_h264_aac_at_the_aspect_size_with_captions(
    django_capture_on_commit_callbacks, writer, script, aspect, size
):
    with django_capture_on_commit_callbacks(execute=True):
        render = video_render_start(user=writer, script=script, aspect=aspect)
    render.refresh_from_db()
    assert render.status == JobStatus.SUCCEEDED, render.error
    assert render.progress == 1.0 and render.file.name.endswith(".mp4")
    data = render.file.read()
    assert len(data) == render.size
    info = probe(data)
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert streams["video"]["codec_name"] == "h264" and streams["audio"]["codec_name"] == "aac"
    assert (streams["video"]["width"], streams["video"]["height"]) == size
    assert streams["video"]["pix_fmt"] == "yuv420p"  # what browsers play
    duration = float(info["format"]["duration"])
    scenes = script.data["scenes"]
    # At least the script's length (scenes stretch to fit their narration), and what the row says.
    assert duration >= sum(s["duration_seconds"] for s in scenes) - 0.5
    assert abs(duration - render.duration_seconds) < 0.5
    vtt = render.captions.read().decode()
    assert vtt.startswith("WEBVTT")
    cues = _vtt_cues(vtt)
    assert [c[2] for c in cues] == [" ".join(s["narration"].split()) for s in scenes if s["narration"].strip()]
    assert all(a[1] <= b[0] + 1e-6 for a, b in zip(cues, cues[1:], strict=False))  # in scene order
    assert cues[-1][1] == pytest.approx(duration, abs=0.5)


@needs_ffmpeg
def test_scenes_in_order_multiscript_captions_and_progress_reported():
    from apps.generation.cards import render_card

    texts = [
        "Open models catch up",
        "Бенчмарки показывают разрыв",
        "日本語のキャプション",
        "👩‍👩‍👧 family, é́ combining",
    ]
    scenes = [
        VideoScene(picture=render_card(title=t, size=(640, 360)).png, seconds=1, caption=t, narration=b"")
        for t in texts
    ]
    seen: list[float] = []
    mp4, vtt, duration = render_mp4(scenes, size=(640, 360), on_progress=seen.append)
    assert duration == pytest.approx(4.0)
    assert seen and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert [c[2] for c in _vtt_cues(vtt)] == texts
    info = probe(mp4)
    assert {s["codec_type"] for s in info["streams"]} == {"video", "audio"}  # a silent track is still a track
    # Each second shows its own scene: the frame at 0.5 s + n is the nth card (compare mean colours).
    frames = []
    for n in range(4):
        out = subprocess.run(
            ["ffmpeg", "-v", "error", "-ss", f"{n + 0.5}", "-i", "pipe:0", "-frames:v", "1", "-f", "image2", "pipe:1"],
            input=mp4,
            capture_output=True,
            check=True,
        ).stdout
        frames.append(out)
    assert len(set(frames)) == 4


def test_narration_stretches_a_scene_and_captions_follow():
    pcm = [b"\x00\x00" * 24000 * 3, b""]  # 3 s of speech for a 1 s scene; a silent 2 s scene
    timings = scene_timings([VideoScene(b"", 1), VideoScene(b"", 2)], pcm)
    assert timings[0] > 3 and timings[1] == 2
    cues = _vtt_cues(captions_vtt(["a --> b", ""], timings))
    assert cues == [(0.0, timings[0], "a → b")]  # an arrow in the text cannot end the cue line


@needs_ffmpeg
def test_render_of_a_narrated_script_has_sound(django_capture_on_commit_callbacks, writer, script):
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng")
    with django_capture_on_commit_callbacks(execute=True):
        render = video_render_start(user=writer, script=script, aspect="16:9")
    render.refresh_from_db()
    # The audio is not silence: ffmpeg's volumedetect sees a real level.
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-i", "pipe:0", "-vn", "-af", "volumedetect", "-f", "null", "-"],
        input=render.file.read(),
        capture_output=True,
        text=False,
    ).stderr.decode()
    mean = float(re.search(r"mean_volume: (-?[\d.]+) dB", out).group(1))
    assert mean > -60


def test_without_ffmpeg_the_render_fails_and_says_why(django_capture_on_commit_callbacks, writer, script, monkeypatch):
    monkeypatch.setattr(video_module.shutil, "which", lambda name: None)
    with django_capture_on_commit_callbacks(execute=True):
        render = video_render_start(user=writer, script=script, aspect="1:1")
    render.refresh_from_db()
    assert render.status == JobStatus.FAILED and "ffmpeg" in render.error and not render.file


@needs_ffmpeg
def test_progress_is_written_while_encoding(writer, script, monkeypatch):
    render = VideoRender.objects.create(
        workspace_id=script.workspace_id, post=script.post, script=script, aspect="16:9", created_by=writer
    )
    seen = []
    original = video_module.render_mp4

    def spy(scenes, **kwargs):
        callback = kwargs["on_progress"]

        def record(share):
            callback(share)
            seen.append(VideoRender.objects.get(pk=render.pk).progress)

        kwargs["on_progress"] = record
        return original(scenes, **kwargs)

    monkeypatch.setattr("apps.generation.services_studio.render_mp4", spy)
    video_render_run(render_id=render.pk)
    render.refresh_from_db()
    assert render.status == JobStatus.SUCCEEDED
    assert seen and seen == sorted(seen) and 0.3 <= seen[0] < seen[-1] <= 0.99


def test_only_editors_of_the_post_render_and_aspects_are_checked(writer, script, outsider, client):
    with pytest.raises(InvalidInput):
        video_render_start(user=writer, script=script, aspect="4:3")
    with pytest.raises((NotFound, Forbidden)):
        video_render_start(user=outsider, script=script, aspect="16:9")
    client.force_login(outsider)
    response = client.post("/api/v1/video-renders/", {"script": script.pk}, content_type="application/json")
    assert response.status_code == 404
    assert not VideoRender.objects.exists()


@needs_ffmpeg
def test_api_starts_and_reports_a_render(django_capture_on_commit_callbacks, writer, script, client):
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/video-renders/", {"script": script.pk, "aspect": "9:16"}, content_type="application/json"
        )
    assert response.status_code == 202, response.content
    body = client.get(f"/api/v1/video-renders/{response.json()['id']}/").json()
    assert body["status"] == "succeeded" and body["url"].endswith(".mp4") and body["captions_url"].endswith(".vtt")
    assert (body["width"], body["height"]) == (720, 1280)
    # The job page lists it with a playable <video> and its captions track.
    job = GenerationJob.objects.get(post=script.post)
    html = client.get(reverse("generation:job", args=[job.pk])).content.decode()
    assert "<video" in html and body["url"] in html and 'kind="captions"' in html
