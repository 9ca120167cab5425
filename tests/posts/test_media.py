"""Images for a post's text (upload through the configured storage, the post's own media, the stable
signed address) and the source items a post may quote: who may, and what is refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import assign_perm
from PIL import Image

from apps.core.models import AuditEntry
from apps.posts.access import SHARE_PERMISSIONS
from apps.posts.models import MediaAsset, ShareLevel
from apps.sources.models import Item, Source
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 20)).save(buffer, format=kind)
    return buffer.getvalue()


def upload(client, post, content: bytes, *, name: str = "фото «кот».png", alt: str = "Рыжий кот на окне 🐈"):
    return client.post(
        reverse("api:post-images", args=[post.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="image/png"), "alt_text": alt},
        format="multipart",
    )


def test_the_author_uploads_an_image_into_the_configured_storage(s3, api_client_for, writer, post, client):
    response = upload(api_client_for(writer), post, image_bytes())
    assert response.status_code == 201, response.content
    data = response.json()
    asset = MediaAsset.objects.get(pk=data["id"])
    assert (asset.post_id, asset.kind, asset.mime_type, asset.alt_text) == (
        post.pk,
        "image",
        "image/png",
        "Рыжий кот на окне 🐈",
    )
    assert (data["width"], data["height"]) == (40, 30)
    # Stored in the bucket under a name of our own (the uploader's is kept in data only).
    head = s3.head_object(Bucket="trendoscope-media", Key=asset.file.name)
    assert head["ContentLength"] == asset.size == len(image_bytes())
    assert asset.file.name.startswith(f"media/{post.workspace_id}/image/") and "кот" not in asset.file.name
    assert asset.data["original_name"] == "фото «кот».png"
    # The text's address is stable and signed; it sends the browser to the storage's URL of the moment.
    redirect = client.get(data["src"])
    assert redirect.status_code == 302 and "trendoscope-media" in redirect["Location"]
    assert AuditEntry.objects.filter(action="post.image_upload", data__media=asset.pk).exists()


def test_a_tampered_image_address_is_not_found(client, api_client_for, writer, post):
    src = upload(api_client_for(writer), post, image_bytes()).json()["src"]
    token = src.rstrip("/").rsplit("/", 1)[1]
    other = token.split(":")[0] + "1:" + token.split(":", 1)[1]
    assert client.get(src.replace(token, other)).status_code == 404
    assert client.get("/app/posts/media/1/").status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just text, not a picture", "notes.png", "not an image"),
        (image_bytes()[:60], "cut.png", "not an image"),  # truncated: Pillow's verify() refuses it
        (image_bytes("BMP"), "old.bmp", "not an image"),  # a real image, of a kind we do not serve
    ],
    ids=["text", "truncated", "bmp"],
)
def test_a_file_that_is_not_an_allowed_image_is_refused(api_client_for, writer, post, content, name, message):
    response = upload(api_client_for(writer), post, content, name=name)
    assert response.status_code == 400
    assert message in str(response.json()["error"]["details"]["file"])
    assert not MediaAsset.objects.filter(post=post).exists()


def test_an_image_over_the_size_limit_is_refused(settings, api_client_for, writer, post):
    settings.POSTS_IMAGE_MAX_BYTES = 1000
    response = upload(api_client_for(writer), post, image_bytes(size=(400, 400)))
    assert response.status_code == 400
    assert "larger than" in str(response.json()["error"]["details"]["file"])


def test_an_image_with_too_many_pixels_is_refused(settings, api_client_for, writer, post):
    settings.POSTS_IMAGE_MAX_PIXELS = 100
    response = upload(api_client_for(writer), post, image_bytes(size=(20, 20)))
    assert response.status_code == 400
    assert "too many pixels" in str(response.json()["error"]["details"]["file"])


@pytest.mark.parametrize("alt", ["", "   ", "\u0007"])
def test_an_image_without_alt_text_is_refused(api_client_for, writer, post, alt):
    response = upload(api_client_for(writer), post, image_bytes(), alt=alt)
    assert response.status_code == 400
    assert "alt_text" in response.json()["error"]["details"]


def test_only_people_who_may_edit_the_post_upload(api_client_for, post, members, outsider, workspace):
    # Another writer may not edit the writer's post; an outsider does not learn that it exists.
    other_writer = MembershipFactory(workspace=workspace, user=UserFactory(username="writer2"), role="writer").user
    assert upload(api_client_for(other_writer), post, image_bytes()).status_code == 403
    assert upload(api_client_for(outsider), post, image_bytes()).status_code == 404
    viewer = UserFactory(username="guest-viewer")
    for codename in SHARE_PERMISSIONS[ShareLevel.VIEWER]:
        assign_perm(f"posts.{codename}", viewer, post)
    assert upload(api_client_for(viewer), post, image_bytes()).status_code == 403
    assert api_client_for(viewer).get(reverse("api:post-images", args=[post.pk])).status_code == 403
    # An editor may edit anyone's post.
    assert upload(api_client_for(members["editor"]), post, image_bytes()).status_code == 201
    assert not MediaAsset.objects.filter(created_by__in=[other_writer, outsider, viewer]).exists()


def test_the_posts_images_are_listed_with_the_featured_one(api_client_for, writer, post):
    client = api_client_for(writer)
    first = upload(client, post, image_bytes()).json()
    featured = MediaAsset.objects.create(
        workspace_id=post.workspace_id, kind="image", alt_text="Обложка", mime_type="image/png"
    )
    featured.file.save("cover.png", io.BytesIO(image_bytes("PNG", (8, 8))), save=True)
    post.featured_media = featured
    post.save(update_fields=["featured_media"])
    audio = MediaAsset.objects.create(workspace_id=post.workspace_id, post=post, kind="audio", mime_type="audio/mpeg")
    audio.file.save("a.mp3", io.BytesIO(b"ID3"), save=True)
    listed = client.get(reverse("api:post-images", args=[post.pk])).json()
    assert [image["id"] for image in listed] == [featured.pk, first["id"]]
    assert listed[0]["alt_text"] == "Обложка" and listed[1]["src"] == first["src"]


@pytest.fixture
def items(workspace, other_workspace):
    source = Source.objects.create(workspace=workspace, name="Вести «Дня»", url="https://example.com/feed.xml")
    other = Source.objects.create(workspace=other_workspace, name="Elsewhere", url="https://example.org/feed.xml")
    made = []
    for n, (ws, src, title) in enumerate(
        [
            (workspace, source, "Городской совет принял бюджет"),
            (workspace, source, "東京の新しい図書館"),
            (other_workspace, other, "Secret budget of another team"),
        ]
    ):
        made.append(
            Item.objects.create(
                workspace=ws,
                source=src,
                guid=str(n),
                url=f"https://example.com/news/{n}",
                canonical_url=f"https://example.com/news/{n}",
                title=title,
                published_at="2024-05-01T10:00:00Z",
                text=f"{title}. “Quoted” text — with détails and 👩‍💻 " * 20,
                content_hash=str(n) * 64,
            )
        )
    return made


def test_the_source_items_a_post_may_quote_are_its_workspaces(api_client_for, writer, post, items, outsider):
    url = reverse("api:post-source-items", args=[post.pk])
    found = api_client_for(writer).get(url, {"q": "бюджет"}).json()
    assert [card["itemId"] for card in found] == [items[0].pk]
    card = found[0]
    assert card["url"] == "https://example.com/news/0" and card["source"] == "Вести «Дня»"
    assert card["title"] == "Городской совет принял бюджет" and len(card["excerpt"]) <= 280
    every = api_client_for(writer).get(url).json()
    assert {c["itemId"] for c in every} == {items[0].pk, items[1].pk}  # never the other workspace's
    assert api_client_for(outsider).get(url).status_code == 404


def test_a_guest_editor_cannot_search_the_workspaces_sources(api_client_for, post, items):
    guest = UserFactory(username="guest-editor")
    for codename in SHARE_PERMISSIONS[ShareLevel.EDITOR]:
        assign_perm(f"posts.{codename}", guest, post)
    response = api_client_for(guest).get(reverse("api:post-source-items", args=[post.pk]))
    assert response.status_code == 403
    assert upload(api_client_for(guest), post, image_bytes()).status_code == 201  # but may add images
