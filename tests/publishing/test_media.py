"""The featured image on every uploading platform: the fake server must receive the bytes and the alt
text, the status must reference the uploaded media, and upload failures must never duplicate a post."""

import base64
import datetime as dt
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from apps.posts.models import MediaAsset, MediaKind
from apps.publishing.adapters import PermanentError, PostContent, RetryableError, adapter_for
from apps.publishing.adapters import mastodon as mastodon_module
from apps.publishing.dispatcher import dispatch_run
from apps.publishing.models import AttemptOutcome, Publication, PublicationState
from apps.publishing.services import post_content, publication_schedule

pytestmark = pytest.mark.django_db

ALT = "Sandbags stacked along a flooded river bank"


def png_bytes(*, size=(40, 30), noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def with_image(workspace, writer):
    def attach(post, data: bytes | None = None, *, alt: str = ALT, mime: str = "image/png", name="flood.png"):
        data = data if data is not None else png_bytes()
        asset = MediaAsset(workspace=workspace, post=post, kind=MediaKind.IMAGE, alt_text=alt, mime_type=mime)
        asset.size = len(data)
        asset.created_by = writer
        asset.file.save(name, ContentFile(data), save=False)
        asset.save()
        post.featured_media = asset
        post.save(update_fields=["featured_media"])
        return data

    return attach


def publication_for(post, channel):
    adapter = adapter_for(channel)
    content = post_content(post=post)
    rendered = adapter.render(content=content)
    assert rendered.ok, rendered.errors
    return Publication.objects.create(
        workspace=post.workspace,
        post=post,
        channel=channel,
        due_at=post.created_at,
        next_attempt_at=post.created_at,
        content={
            "parts": rendered.parts,
            "media": rendered.media,
            "image": content.image() if rendered.media else None,
            "title": content.title,
            "html": content.html,
            "text": content.text,
            "excerpt": content.excerpt,
            "link": adapter.link_for(content),
            "tags": content.tags,
        },
    )


def uploads(fake, platform):
    return [u for u in fake.uploads.values() if u["platform"] == platform]


# --- Mastodon ------------------------------------------------------------------------------------


def test_mastodon_uploads_with_description_and_attaches_to_the_first_status(make_post, make_channel, fake, with_image):
    fake.mastodon_limit = 120
    post = make_post(excerpt="", body_text=" ".join(f"Point {i} of the story is here." for i in range(10)))
    data = with_image(post)
    channel = make_channel("mastodon")
    publication = publication_for(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    [upload] = uploads(fake, "mastodon")
    assert upload["data"] == data and upload["alt"] == ALT and upload["mime"] == "image/png"
    media_id = next(k for k, v in fake.uploads.items() if v is upload)
    first, second = (fake.statuses[i] for i in result.extra["ids"][:2])
    assert first["media_attachments"] == [{"id": media_id, "description": ALT}]
    assert second["media_attachments"] == []


def test_mastodon_polls_while_the_instance_processes_the_image(post, make_channel, fake, with_image, monkeypatch):
    monkeypatch.setattr(mastodon_module, "MEDIA_POLL_INTERVAL", 0)
    fake.mastodon_media_polls = 2
    with_image(post)
    channel = make_channel("mastodon")
    publication = publication_for(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    polls = [r for r in fake.requests if r["path"].startswith("/api/v1/media/")]
    assert len(polls) == 3  # 206, 206, 200
    assert fake.statuses[result.platform_id]["media_attachments"][0]["description"] == ALT


def test_mastodon_still_processing_is_a_retry_without_a_status(post, make_channel, fake, with_image, monkeypatch):
    monkeypatch.setattr(mastodon_module, "MEDIA_POLL_INTERVAL", 0)
    monkeypatch.setattr(mastodon_module, "MEDIA_POLL_ATTEMPTS", 2)
    fake.mastodon_media_polls = 5
    with_image(post)
    channel = make_channel("mastodon")
    publication = publication_for(post, channel)
    with pytest.raises(RetryableError, match="processing"):
        adapter_for(channel).send(publication=publication, content=publication.content)
    assert not fake.statuses


def test_mastodon_downscales_to_the_instance_image_limit(post, make_channel, fake, with_image):
    data = with_image(post, png_bytes(size=(300, 300), noise=True))
    fake.mastodon_image_limit = len(data) // 2
    channel = make_channel("mastodon")
    publication = publication_for(post, channel)
    adapter_for(channel).send(publication=publication, content=publication.content)
    [upload] = uploads(fake, "mastodon")
    assert len(upload["data"]) <= fake.mastodon_image_limit and upload["mime"] == "image/jpeg"
    assert upload["alt"] == ALT


def test_upload_5xx_retries_through_the_dispatcher_and_posts_once(post, make_channel, publisher, fake, with_image):
    data = with_image(post)
    channel = make_channel("mastodon")
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    fake.inject("/api/v2/media", "500")
    # the first retry comes due within the run's budget, so one run covers both attempts
    dispatch_run(worker="w1", budget_seconds=8)
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED and publication.attempts == 2
    log = list(publication.attempt_log.order_by("number").values_list("outcome", "status_code"))
    assert log == [(AttemptOutcome.RETRY, 500), (AttemptOutcome.OK, None)]
    assert len(fake.statuses) == 1
    [status] = fake.statuses.values()
    assert fake.uploads[status["media_attachments"][0]["id"]]["data"] == data


def test_too_large_upload_is_a_clear_failed_attempt(post, make_channel, publisher, fake, with_image):
    with_image(post)
    fake.max_upload_bytes = 10  # the instance refuses anything bigger with 413
    channel = make_channel("mastodon")
    [publication] = publication_schedule(user=publisher, post=post, channels=[channel], due_at=timezone.now())
    dispatch_run(worker="w1", budget_seconds=5)
    publication.refresh_from_db()
    assert publication.state == PublicationState.FAILED
    attempt = publication.attempt_log.get()
    assert (attempt.outcome, attempt.status_code) == (AttemptOutcome.FAILED, 413)
    assert "too large" in publication.last_error
    assert not fake.statuses


# --- Bluesky -------------------------------------------------------------------------------------


def test_bluesky_upload_blob_and_images_embed_on_the_first_post(make_post, make_channel, fake, with_image):
    make_channel("site")
    post = make_post(excerpt="", body_text=" ".join(f"Fact {i}: the river rose again today." for i in range(14)))
    data = with_image(post)
    channel = make_channel("bluesky")
    publication = publication_for(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    [upload] = uploads(fake, "bluesky")
    assert upload["data"] == data and upload["mime"] == "image/png"
    records = [fake.bsky_records[p["uri"]] for p in result.extra["posts"]]
    embed = records[0]["embed"]
    assert embed["$type"] == "app.bsky.embed.images"
    [image] = embed["images"]
    assert image["alt"] == ALT
    assert image["aspectRatio"] == {"width": 40, "height": 30}
    assert image["image"]["ref"]["$link"] in fake.uploads and image["image"]["size"] == len(data)
    assert all("embed" not in r for r in records[1:])


def test_bluesky_downscales_an_image_over_the_blob_limit(post, make_channel, fake, with_image):
    data = with_image(post, png_bytes(size=(700, 700), noise=True))
    assert len(data) > 1_000_000
    channel = make_channel("bluesky")
    publication = publication_for(post, channel)
    adapter_for(channel).send(publication=publication, content=publication.content)
    [upload] = uploads(fake, "bluesky")
    assert len(upload["data"]) <= 1_000_000 and upload["mime"] == "image/jpeg"
    assert Image.open(io.BytesIO(upload["data"])).format == "JPEG"


def test_bluesky_refuses_at_scheduling_an_oversized_image_it_cannot_shrink(make_channel):
    channel = make_channel("bluesky")
    content = PostContent(
        title="Floods",
        text="Rivers are rising.",
        html="",
        excerpt="",
        tags=[],
        link="",
        image_url="http://testserver/media/x.svg",
        image_alt="A map",
        image_name="media/x.svg",
        image_mime="image/svg+xml",
        image_size=2_000_000,
    )
    rendered = adapter_for(channel).render(content=content)
    assert not rendered.ok
    assert "too large" in rendered.errors[0]


# --- X -------------------------------------------------------------------------------------------


def test_x_uploads_then_sets_alt_text_and_attaches_to_the_first_tweet(make_post, make_channel, fake, with_image):
    post = make_post(excerpt="", body_text=" ".join(f"Update {i}: the river keeps rising here." for i in range(15)))
    data = with_image(post)
    channel = make_channel("x")
    publication = publication_for(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    [upload] = uploads(fake, "x")
    assert upload["data"] == data and upload["alt"] == ALT
    upload_request = next(r for r in fake.requests if r["path"] == "/2/media/upload")
    assert base64.b64decode(upload_request["json"]["media"]) == data
    media_id = next(k for k, v in fake.uploads.items() if v is upload)
    tweets = [fake.tweets[i] for i in result.extra["ids"]]
    assert tweets[0]["media"] == {"media_ids": [media_id]}
    assert all("media" not in t for t in tweets[1:])


def test_x_upload_interrupted_is_a_retry_and_no_tweet(post, make_channel, fake, with_image):
    with_image(post)
    channel = make_channel("x")
    publication = publication_for(post, channel)
    fake.inject("/2/media/upload", "reset")
    with pytest.raises(RetryableError, match="nothing was posted"):
        adapter_for(channel).send(publication=publication, content=publication.content)
    assert not fake.tweets
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    assert list(fake.tweets) == [result.platform_id]


# --- LinkedIn ------------------------------------------------------------------------------------


def test_linkedin_initializes_puts_bytes_and_references_the_image_urn(post, make_channel, fake, with_image):
    data = with_image(post)
    channel = make_channel("linkedin")
    publication = publication_for(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    [(urn, upload)] = [(k, v) for k, v in fake.uploads.items() if v["platform"] == "linkedin"]
    assert upload["data"] == data and upload["owner"] == "urn:li:organization:5"
    put = next(r for r in fake.requests if r["method"] == "PUT")
    assert put["headers"]["Authorization"] == "Bearer good-token"
    assert fake.linkedin_posts[result.platform_id]["content"] == {"media": {"id": urn, "altText": ALT}}


def test_linkedin_too_large_put_fails_without_a_post(post, make_channel, fake, with_image):
    with_image(post)
    fake.max_upload_bytes = 10
    channel = make_channel("linkedin")
    publication = publication_for(post, channel)
    with pytest.raises(PermanentError) as caught:
        adapter_for(channel).send(publication=publication, content=publication.content)
    assert caught.value.status == 413
    assert not fake.linkedin_posts


# --- WordPress -----------------------------------------------------------------------------------


def test_wordpress_uploads_media_sets_alt_and_featured_media(post, make_channel, fake, with_image):
    data = with_image(post)
    channel = make_channel("wordpress")
    publication = publication_for(post, channel)
    result = adapter_for(channel).send(publication=publication, content=publication.content)
    [(media_id, upload)] = [(k, v) for k, v in fake.uploads.items() if v["platform"] == "wordpress"]
    assert upload["data"] == data and upload["alt"] == ALT and upload["mime"] == "image/png"
    assert upload["filename"].endswith(".png")
    assert fake.wp_posts[int(result.platform_id)]["featured_media"] == int(media_id)


def test_wordpress_upload_5xx_is_retryable_and_creates_no_post(post, make_channel, fake, with_image):
    with_image(post)
    channel = make_channel("wordpress")
    publication = publication_for(post, channel)
    fake.inject("/wp-json/wp/v2/media", "500")
    with pytest.raises(RetryableError):
        adapter_for(channel).send(publication=publication, content=publication.content)
    assert not fake.wp_posts
    adapter_for(channel).send(publication=publication, content=publication.content)
    assert len(fake.wp_posts) == 1


def test_preview_and_publication_page_show_the_image_and_its_alt_text(
    client_for, publisher, make_channel, post, fake, with_image
):
    with_image(post)
    bluesky = make_channel("bluesky")
    client = client_for(publisher)
    page = client.get(f"/app/publishing/posts/{post.pk}/panel/", {"channels": [bluesky.pk], "fragment": "1"})
    html = page.content.decode()
    assert f'alt="{ALT}"' in html and "/media/media/" in html
    [publication] = publication_schedule(
        user=publisher, post=post, channels=[bluesky], due_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert publication.content["image"]["alt"] == ALT
    detail = client.get(f"/app/publishing/publications/{publication.pk}/").content.decode()
    assert f'alt="{ALT}"' in detail
