"""Storyboard stills are listed in scene order (they were shown newest first, i.e. reversed)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from apps.generation.models import JobStatus
from apps.generation.selectors import media_for_job
from apps.generation.services import generation_start
from apps.posts.models import MediaAsset

pytestmark = pytest.mark.django_db


def test_video_script_stills_are_in_scene_order_on_the_job_page(
    django_capture_on_commit_callbacks, writer, workspace, trend, client
):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, trend=trend, fmt="video_script", with_image=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    media = media_for_job(job=job)
    roles = [(a.data or {}).get("role") for a in media]
    assert roles[0] == "featured"
    stills = [a for a in media if (a.data or {}).get("role") == "storyboard"]
    numbers = [a.data["scene"] for a in stills]
    assert len(numbers) >= 3 and numbers == sorted(numbers) == list(range(1, len(numbers) + 1))
    # The video script's own list of stills is in scene order too.
    script = MediaAsset.objects.get(post=job.post, kind="video_script")
    assert [MediaAsset.objects.get(pk=pk).data["scene"] for pk in script.data["stills"]] == numbers
    # Each still is a real PNG.
    for still in stills:
        assert Image.open(io.BytesIO(still.file.read())).size == (640, 360)
    # The page shows them in that order (the alt text names the scene).
    client.force_login(writer)
    html = client.get(reverse("generation:job", args=[job.pk])).content.decode()
    shown = [int(n) for n in re.findall(r'alt="Storyboard still for scene (\d+)', html)]
    assert shown == numbers


def test_featured_image_comes_with_square_and_story_variants(
    django_capture_on_commit_callbacks, writer, workspace, item
):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="article", with_image=True)
    job.refresh_from_db()
    featured = MediaAsset.objects.get(pk=job.result["image"])
    variants = MediaAsset.objects.filter(pk__in=job.result["image_variants"])
    sizes = {Image.open(io.BytesIO(a.file.read())).size for a in [featured, *variants]}
    assert sizes == {(1200, 630), (1080, 1080), (1080, 1920)}
    assert featured.alt_text.startswith("Title card, 1200×630")
    assert job.post.featured_media_id == featured.pk
