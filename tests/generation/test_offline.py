"""The offline provider end to end: a real extractive draft, persona rules, formats, media, provenance."""

from __future__ import annotations

import pytest

from apps.generation.models import JobStatus
from apps.generation.providers import offline
from apps.generation.services import generation_start
from apps.posts.models import MediaAsset, Revision

pytestmark = pytest.mark.django_db


def _run(writer, workspace, **kwargs):
    job = generation_start(user=writer, workspace=workspace, **kwargs)
    job.refresh_from_db()
    return job


def test_article_from_item_quotes_and_attributes_with_persona_rules(
    django_capture_on_commit_callbacks, writer, workspace, persona, item
):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, persona=persona, item=item, fmt="article")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    post = job.post
    assert post is not None and post.author == writer and post.persona == persona
    # A direct quote from the item, attributed to the source.
    assert "This is the first time an open model has reached parity" in post.body_text
    assert "Sam Writer" in post.body_text
    assert "https://example.com/news/1" in post.body_html
    # Persona rules: never exclamation marks, never sentences about "critics"; always the sign-off.
    assert "!" not in post.body_text
    assert "critics" not in post.body_text.lower()
    assert post.body_text.rstrip().endswith("Worth watching.")
    # The editor's document and the first revision.
    assert post.body_json["type"] == "doc"
    assert {b["type"] for b in post.body_json["content"]} >= {"paragraph", "heading", "blockquote"}
    assert Revision.objects.get(post=post).number == 1
    # Provenance.
    assert job.provider == "offline" and job.model == "trendoscope-extractive-1"
    assert job.prompt_version and job.completion_tokens > 0
    assert [c["id"] for c in job.items_cited] == [item.pk]
    assert job.style_match["score"] is not None and job.style_match["reasons"]
    # Featured image: a Pillow title card with alt text.
    image = post.featured_media
    assert image.kind == "image" and image.mime_type == "image/png" and image.size > 1000
    assert post.title[:20] in image.alt_text
    assert image.file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_thread_posts_fit_and_are_numbered(django_capture_on_commit_callbacks, writer, workspace, item):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="thread", with_image=False)
    job.refresh_from_db()
    posts = [p for p in job.post.body_text.split("\n") if p.strip()]
    assert len(posts) >= 3
    assert posts[0].startswith("1/")
    assert all(len(p) <= 280 for p in posts)


def test_video_script_has_scenes_and_storyboard(django_capture_on_commit_callbacks, writer, workspace, trend):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, trend=trend, fmt="video_script", with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    script = MediaAsset.objects.get(post=job.post, kind="video_script")
    scenes = script.data["scenes"]
    assert len(scenes) >= 3
    assert all(s["narration"] and s["shot"] and s["duration_seconds"] >= 3 for s in scenes)
    stills = MediaAsset.objects.filter(pk__in=script.data["stills"])
    assert stills.count() == len(scenes)
    assert all(s.alt_text.startswith("Storyboard still") for s in stills)
    assert script.data["total_seconds"] == sum(s["duration_seconds"] for s in scenes)


def test_podcast_audio_with_espeak(django_capture_on_commit_callbacks, writer, workspace, item):
    if offline.espeak_path() is None:
        pytest.skip("espeak-ng is not installed")
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="podcast_script", with_image=False)
    job.refresh_from_db()
    audio = MediaAsset.objects.get(pk=job.result["audio"])
    assert audio.kind == "audio" and audio.mime_type == "audio/wav"
    assert audio.file.read(4) == b"RIFF"


def test_podcast_without_espeak_says_not_available(
    django_capture_on_commit_callbacks, monkeypatch, writer, workspace, item
):
    monkeypatch.setattr(offline, "espeak_path", lambda: None)
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="podcast_script", with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert "not available" in job.result["audio_unavailable"]
    assert not MediaAsset.objects.filter(post=job.post, kind="audio").exists()


def test_newsletter_from_free_topic(django_capture_on_commit_callbacks, writer, workspace, persona):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(
            user=writer,
            workspace=workspace,
            persona=persona,
            topic="Quantum batteries",
            fmt="newsletter",
            with_image=False,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert "engineers" in job.post.body_text  # greets the persona's audience
    assert job.post.title == "Quantum batteries"


def test_free_topic_uses_matching_items_or_an_outline(django_capture_on_commit_callbacks, writer, workspace, item):
    with django_capture_on_commit_callbacks(execute=True):
        covered = generation_start(user=writer, workspace=workspace, topic="parity of open models", with_image=False)
        uncovered = generation_start(user=writer, workspace=workspace, topic="Zeppelin tariffs", with_image=False)
    covered.refresh_from_db()
    uncovered.refresh_from_db()
    assert covered.status == uncovered.status == JobStatus.SUCCEEDED
    assert [c["id"] for c in covered.items_cited] == [item.pk]
    assert "no source in this workspace covers it yet" in uncovered.post.body_text
    assert "What to find out" in uncovered.post.body_text


def test_trend_draft_quotes_the_trends_items(django_capture_on_commit_callbacks, writer, workspace, trend, item):
    from apps.trends.models import TrendItem

    TrendItem.objects.create(trend=trend, item=item, workspace=workspace, published_at=item.published_at)
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, trend=trend, with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.post.trend == trend
    assert [c["id"] for c in job.items_cited] == [item.pk]
    assert "Sam Writer" in job.post.body_text
