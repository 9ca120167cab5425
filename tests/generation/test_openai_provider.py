"""The OpenAI-compatible provider through the real `openai` SDK against the local fake server."""

from __future__ import annotations

import pytest

from apps.generation.models import JobStatus, TokenUsage
from apps.generation.services import generation_start
from apps.posts.models import MediaAsset

pytestmark = pytest.mark.django_db


def _start(capture, **kwargs):
    with capture(execute=True):
        job = generation_start(**kwargs)
    job.refresh_from_db()
    return job


def test_streams_structures_illustrates_and_counts(
    django_capture_on_commit_callbacks, writer, workspace, persona, item, openai_settings, fake_openai
):
    openai_settings.price_input_per_1k = "0.001"
    openai_settings.price_output_per_1k = "0.002"
    openai_settings.save()
    job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, persona=persona, item=item)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.provider == "openai" and job.model == "fake-model"
    # The streamed draft became the post; structured output gave the title and hashtags.
    assert job.post.title == "Open models close the gap"
    assert job.post.tags == ["OpenModels", "AI"]
    assert "The gap is now a matter of months" in job.post.body_text
    chat = [r for r in fake_openai.requests if r["path"].endswith("/chat/completions")]
    assert chat[0]["body"]["stream"] is True
    assert chat[0]["body"]["stream_options"] == {"include_usage": True}
    assert "Open model reaches parity" in chat[0]["body"]["messages"][1]["content"]  # the item is in the prompt
    assert "exclamation marks" in chat[0]["body"]["messages"][0]["content"]  # persona rules in the system prompt
    assert chat[1]["body"]["response_format"]["type"] == "json_schema"
    # The stored key was decrypted and sent.
    assert all(r["authorization"] == "Bearer sk-test-secret-1234" for r in fake_openai.requests)
    # Image from the images endpoint, alt text written by the model looking at it.
    image = job.post.featured_media
    assert "/v1/images/generations" in fake_openai.paths()
    assert image.alt_text == "A blue square illustration."
    # Tokens and cost on the job and on the workspace's month.
    assert job.prompt_tokens > 0 and job.completion_tokens > 0
    assert job.cost > 0
    usage = TokenUsage.objects.get(workspace=workspace)
    assert usage.prompt_tokens == job.prompt_tokens and usage.completion_tokens == job.completion_tokens
    assert usage.jobs == 1


def test_podcast_speech_and_video_scenes(
    django_capture_on_commit_callbacks, writer, workspace, item, openai_settings, fake_openai
):
    podcast = _start(
        django_capture_on_commit_callbacks,
        user=writer,
        workspace=workspace,
        item=item,
        fmt="podcast_script",
        with_image=False,
    )
    audio = MediaAsset.objects.get(pk=podcast.result["audio"])
    assert audio.mime_type == "audio/mpeg" and audio.file.read(3) == b"ID3"
    assert "/v1/audio/speech" in fake_openai.paths()
    video = _start(
        django_capture_on_commit_callbacks,
        user=writer,
        workspace=workspace,
        item=item,
        fmt="video_script",
        with_image=False,
    )
    script = MediaAsset.objects.get(pk=video.result["video_script"])
    assert [s["shot"] for s in script.data["scenes"]] == ["Title card", "Chart"]
    assert len(script.data["stills"]) == 2


def test_429_is_retried_then_succeeds(
    django_capture_on_commit_callbacks, writer, workspace, item, openai_settings, fake_openai
):
    fake_openai.fail_next("429", seconds=0)
    job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2


def test_500_every_time_fails_visibly(
    django_capture_on_commit_callbacks, writer, workspace, item, openai_settings, fake_openai
):
    fake_openai.fail_next("500", times=10)
    job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
    assert job.status == JobStatus.FAILED
    assert "Provider error 500" in job.error and "Gave up after 5 attempts" in job.error
    assert job.post is None


def test_slow_answer_times_out_and_is_retried(
    django_capture_on_commit_callbacks, writer, workspace, item, openai_settings, fake_openai
):
    openai_settings.timeout_seconds = 1
    openai_settings.save()
    fake_openai.fail_next("slow", seconds=1.6)
    job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2


def test_bad_request_is_not_retried(
    django_capture_on_commit_callbacks, writer, workspace, item, openai_settings, fake_openai
):
    openai_settings.base_url = fake_openai.base_url.replace("/v1", "/nope")
    openai_settings.save()
    job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
    assert job.status == JobStatus.FAILED
    assert "404" in job.error and job.attempts == 1


@pytest.mark.django_db
def test_an_api_key_that_is_not_plain_ascii_is_refused_when_saved_and_when_used(workspace, admin_member):
    """A key pasted with a Cyrillic letter or a non-breaking space reached the Authorization header
    and failed as a 500 inside httpx (found by schemathesis)."""
    from apps.core.errors import InvalidInput
    from apps.generation.providers.base import ProviderError
    from apps.generation.providers.openai_compat import OpenAICompatibleProvider
    from apps.generation.services import ai_settings_update

    for key in ("sk-ключ", "sk-abc\u00a0def", "sk abc", "sk-👩‍💻"):
        with pytest.raises(InvalidInput):
            ai_settings_update(user=admin_member, workspace=workspace, data={"provider": "openai", "api_key": key})
        with pytest.raises(ProviderError):
            OpenAICompatibleProvider(api_key=key, base_url="http://127.0.0.1:9/v1")
