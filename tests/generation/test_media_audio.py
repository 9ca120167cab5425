"""Narration audio opened with independent readers: Python's `wave`, soundfile (libsndfile), ffprobe."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import wave

import pytest
from django.urls import reverse

from apps.generation.audio import voice_for, wav_duration, wav_fix_header
from apps.generation.models import JobStatus
from apps.generation.providers.offline import OfflineProvider
from apps.generation.services import generation_start
from apps.posts.models import MediaAsset

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None, reason="ffmpeg is not installed"
)

ENGLISH = (
    "The city council approved the new budget on Tuesday after a long debate. "
    "Officials said the money will go to schools, roads and public transport over the next three years."
)


def _streaming_wav(seconds: float = 0.5, rate: int = 22050) -> bytes:
    """A WAV with espeak-ng's streaming header: both sizes 0x7FFFF000 whatever follows."""
    frames = int(seconds * rate)
    pcm = b"".join(struct.pack("<h", (i * 37) % 2000 - 1000) for i in range(frames))
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 0x7FFFF024)
        + b"WAVEfmt "
        + struct.pack("<I", 16)
        + fmt
        + b"data"
        + (struct.pack("<I", 0x7FFFF000) + pcm)
    )


def _expected_seconds(text: str, wpm: int = 165) -> float:
    return len(text.split()) / wpm * 60


def test_streaming_header_is_rewritten_to_the_real_size():
    broken = _streaming_wav(0.5)
    with wave.open(io.BytesIO(broken)) as reader:
        assert reader.getnframes() / reader.getframerate() > 3600  # what players were told: hours
    fixed = wav_fix_header(broken)
    assert struct.unpack("<I", fixed[4:8])[0] == len(fixed) - 8
    assert wav_duration(fixed) == pytest.approx(0.5, rel=0.01)


@pytest.mark.parametrize("data", [b"", b"not audio at all", b"RIFF\x00\x00\x00\x00WAVE", b"RIFF....WAVEfmt "])
def test_not_a_wav_is_refused_cleanly(data):
    with pytest.raises(ValueError):
        wav_fix_header(data)


def test_voice_map_never_gives_english_a_german_voice():
    assert voice_for("en") == "en-us"
    assert voice_for("de") == "de"
    assert voice_for("ru") == "ru"
    assert voice_for("zh") == "cmn"
    assert voice_for("xx", available=frozenset({"en-us", "de"})) == "en-us"


@needs_espeak
@pytest.mark.parametrize(
    ("text", "hint", "voice"),
    [
        (ENGLISH, "de", "en-us"),  # an English text with a German job language is still read in English
        ("Der Stadtrat hat am Dienstag nach langer Debatte den neuen Haushalt beschlossen.", "en", "de"),
        ("Городской совет во вторник после долгих споров утвердил новый бюджет.", "en", "ru"),
        ("Міська рада у вівторок після довгих дебатів затвердила новий бюджет міста.", "en", "uk"),
        ("市议会周二经过长时间辩论后批准了新的预算。", "en", "cmn"),
    ],
)
def test_offline_speech_follows_the_language_of_the_text(text, hint, voice):
    result = OfflineProvider().speech(text=text, language=hint)
    assert result.model.startswith(f"espeak-ng:{voice}")
    with wave.open(io.BytesIO(result.content)) as reader:
        assert reader.getnchannels() == 1 and reader.getnframes() > 0


@needs_espeak
def test_offline_speech_wav_duration_is_true_for_wave_and_soundfile():
    result = OfflineProvider().speech(text=ENGLISH, language="en")
    assert result.mime_type == "audio/wav"
    expected = _expected_seconds(ENGLISH)
    seconds = wav_duration(result.content)
    assert seconds == pytest.approx(expected, rel=0.35)  # espeak's pauses; but never hours
    assert struct.unpack("<I", result.content[4:8])[0] == len(result.content) - 8
    soundfile = pytest.importorskip("soundfile")
    data, rate = soundfile.read(io.BytesIO(result.content))
    assert len(data) / rate == pytest.approx(seconds, rel=0.10)


@needs_espeak
@needs_ffmpeg
def test_offline_speech_has_an_mp3_ffprobe_reads_with_the_same_duration(tmp_path):
    result = OfflineProvider().speech(text=ENGLISH, language="en")
    assert [a.mime_type for a in result.alternates] == ["audio/mpeg"]
    path = tmp_path / "narration.mp3"
    path.write_bytes(result.alternates[0].content)
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert probe["streams"][0]["codec_name"] == "mp3"
    assert float(probe["format"]["duration"]) == pytest.approx(wav_duration(result.content), rel=0.10)


@needs_espeak
def test_without_ffmpeg_only_the_wav_is_made_and_it_says_so(monkeypatch):
    from apps.generation import audio

    monkeypatch.setattr(audio, "ffmpeg_path", lambda: None)
    result = OfflineProvider().speech(text=ENGLISH, language="en")
    assert result.alternates == []
    assert "ffmpeg" in result.note


@needs_espeak
@pytest.mark.django_db
def test_podcast_job_keeps_a_playable_wav_and_the_web_encoding(
    django_capture_on_commit_callbacks, writer, workspace, item, client
):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="podcast_script", with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    wav_asset = MediaAsset.objects.get(pk=job.result["audio"])
    data = wav_asset.file.read()
    assert wav_duration(data) < 600
    assert wav_asset.size == len(data)
    if shutil.which("ffmpeg"):
        web = MediaAsset.objects.get(pk=job.result["audio_web"])
        assert web.mime_type == "audio/mpeg" and web.data["of"] == wav_asset.pk
        assert "audio_web_unavailable" not in job.result
    else:
        assert "ffmpeg" in job.result["audio_web_unavailable"]
    client.force_login(writer)
    page = client.get(reverse("generation:job", args=[job.pk]))
    assert page.status_code == 200
    assert b"WAV" in page.content
