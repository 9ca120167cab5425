"""Media go through the default storage: S3 (django-storages + boto3) against moto's S3 server."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.storage import storages
from moto.server import ThreadedMotoServer

from apps.generation.services import generation_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3(settings):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket="trendoscope-media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "trendoscope-media",
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
            },
        },
    }
    storages._storages.pop("default", None)
    yield client
    storages._storages.pop("default", None)
    server.stop()


def test_generated_image_is_stored_in_s3(django_capture_on_commit_callbacks, s3, writer, workspace, item):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="article")
    job.refresh_from_db()
    image = job.post.featured_media
    head = s3.head_object(Bucket="trendoscope-media", Key=image.file.name)
    assert head["ContentLength"] == image.size > 1000
    assert image.file.name.startswith(f"media/{workspace.pk}/image/")
    assert "trendoscope-media" in image.file.url
