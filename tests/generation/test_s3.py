"""Media go through the default storage: S3 (django-storages + boto3) against moto's S3 server (the
`s3` fixture of tests/conftest.py)."""

from __future__ import annotations

import pytest

from apps.generation.services import generation_start

pytestmark = pytest.mark.django_db


def test_generated_image_is_stored_in_s3(django_capture_on_commit_callbacks, s3, writer, workspace, item):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="article")
    job.refresh_from_db()
    image = job.post.featured_media
    head = s3.head_object(Bucket="trendoscope-media", Key=image.file.name)
    assert head["ContentLength"] == image.size > 1000
    assert image.file.name.startswith(f"media/{workspace.pk}/image/")
    assert "trendoscope-media" in image.file.url
