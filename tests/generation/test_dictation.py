"""Dictation, server side: a real recording (espeak-ng speaking a sentence) goes through the API and the
real openai client to the local Whisper-compatible server; without a provider the answer says what is needed."""

from __future__ import annotations

import io
import shutil
import wave

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.generation.audio import synthesize
from apps.generation.services_studio import dictation_available
from apps.posts.services import post_create

pytestmark = pytest.mark.django_db
needs_espeak = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng")


@pytest.fixture
def post(writer, workspace):
    return post_create(workspace=workspace, user=writer, title="Диктовка", body_json=None)


@pytest.fixture
def recording():
    wav, _voice = synthesize("Open models are closing the gap with proprietary ones.", language="en")
    return wav


def _send(client, post, data: bytes, *, name="dictation.wav", mime="audio/wav", **extra):
    upload = SimpleUploadedFile(name, data, content_type=mime)
    return client.post("/api/v1/transcriptions/", {"post": post.pk, "audio": upload, **extra})


@needs_espeak
def test_a_spoken_recording_is_transcribed_through_the_provider(
    client, writer, post, openai_settings, fake_openai, recording
):
    client.force_login(writer)
    response = _send(client, post, recording, language="en")
    assert response.status_code == 200, response.content
    assert response.json() == {"text": "Привет, мир. 世界 👋"}
    (sent,) = [r for r in fake_openai.requests if r["path"].endswith("/audio/transcriptions")]
    assert sent["authorization"] == "Bearer sk-test-secret-1234"
    parts = sent["parts"]
    assert parts["model"]["data"] == b"whisper-1" and parts["language"]["data"] == b"en"
    # The server received the very recording: a WAV a reader opens, about 3 s of speech.
    assert parts["file"]["data"] == recording
    with wave.open(io.BytesIO(parts["file"]["data"])) as reader:
        assert 1.5 < reader.getnframes() / reader.getframerate() < 10


def test_browser_recordings_are_accepted_as_webm(client, writer, post, openai_settings, fake_openai):
    client.force_login(writer)
    response = _send(client, post, b"\x1aE\xdf\xa3" + b"\x00" * 64, name="rec.webm", mime="video/webm;codecs=vp8,opus")
    assert response.status_code == 200
    assert fake_openai.requests[-1]["parts"]["file"]["content_type"] == "video/webm"


def test_without_a_provider_it_says_what_is_needed(client, writer, post, workspace):
    available, reason = dictation_available(workspace=workspace)
    assert available is False and "speech-to-text" in reason
    client.force_login(writer)
    assert client.get("/api/v1/transcriptions/").json() == {"available": False, "reason": reason}
    response = _send(client, post, b"RIFF....WAVE")
    assert response.status_code == 409
    assert "speech-to-text" in response.json()["error"]["message"]


def test_with_a_provider_it_is_available(client, writer, openai_settings):
    client.force_login(writer)
    assert client.get("/api/v1/transcriptions/").json()["available"] is True


@pytest.mark.parametrize("failure,status", [("500", 409), ("429", 409)])
def test_provider_failures_are_readable(client, writer, post, openai_settings, fake_openai, failure, status):
    fake_openai.fail_next(failure, seconds=1)
    client.force_login(writer)
    response = _send(client, post, b"RIFF....WAVE")
    assert response.status_code == status
    assert "transcription failed" in response.json()["error"]["message"]


def test_bad_uploads_are_refused(client, writer, post, outsider, openai_settings):
    client.force_login(writer)
    assert _send(client, post, b"", name="e.wav").status_code == 400
    assert _send(client, post, b"<html>", name="x.html", mime="text/html").status_code == 400
    client.force_login(outsider)
    assert _send(client, post, b"RIFF....WAVE").status_code == 404
