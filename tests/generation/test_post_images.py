"""Images from the model as post media: /v1/images/generations on the local server through the real openai
client, cropped and optimized to the platform sizes (read back with Pillow); offline, the title card."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from apps.core.errors import Conflict
from apps.generation.cards import image_fit
from apps.generation.services_studio import post_image_generate
from apps.posts.models import MediaAsset
from apps.posts.services import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(writer, workspace, persona):
    persona.color = "#1f6feb"
    persona.save()
    return post_create(
        workspace=workspace, user=writer, title="Открытые модели 追いつく", body_json=None, persona=persona
    )


def test_model_image_is_fitted_to_each_size_and_kept_on_the_post(client, writer, post, openai_settings, fake_openai):
    client.force_login(writer)
    response = client.post(
        "/api/v1/post-images/", {"post": post.pk, "prompt": "A lighthouse, 灯台"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    rows = response.json()
    assert {(r["width"], r["height"]) for r in rows} == {(1200, 630), (1080, 1080), (1080, 1920)}
    sent = [r for r in fake_openai.requests if r["path"].endswith("/images/generations")]
    assert (
        len(sent) == 1
        and sent[0]["body"]["prompt"] == "A lighthouse, 灯台"
        and sent[0]["body"]["model"] == "fake-image"
    )
    for row in rows:
        asset = MediaAsset.objects.get(pk=row["id"], post=post)
        with Image.open(io.BytesIO(asset.file.read())) as image:
            assert image.format == "JPEG" and image.size == (row["width"], row["height"])
        assert asset.size < 200_000 and asset.alt_text == "A blue square illustration."
    assert rows[0]["width"] == 1200  # the article size first


def test_offline_the_image_is_the_title_card_in_the_persona_colour(writer, post):
    assets = post_image_generate(user=writer, post=post)
    assert len(assets) == 3 and assets[0].mime_type == "image/png"
    assert "#1f6feb" in assets[0].alt_text or "blue" in assets[0].alt_text.lower()


def test_a_broken_image_from_the_provider_is_a_readable_error(writer, post, openai_settings, fake_openai):
    original = fake_openai.server.RequestHandlerClass.do_POST

    def broken(handler):
        if handler.path.endswith("/images/generations"):
            handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
            return handler._json(
                200, {"created": 0, "data": [{"b64_json": base64.b64encode(b"not an image").decode()}]}
            )
        return original(handler)

    fake_openai.server.RequestHandlerClass.do_POST = broken
    with pytest.raises(Conflict, match="cannot be read"):
        post_image_generate(user=writer, post=post, prompt="x")
    fake_openai.fail_next("500", times=5)
    fake_openai.server.RequestHandlerClass.do_POST = original
    with pytest.raises(Conflict, match="500"):
        post_image_generate(user=writer, post=post, prompt="x")


def test_image_fit_crops_large_images_down_and_keeps_transparency():
    big = io.BytesIO()
    Image.new("RGB", (3000, 2000), (200, 10, 10)).save(big, format="PNG")
    data, mime, _ext = image_fit(big.getvalue(), (1200, 630))
    assert mime == "image/jpeg" and Image.open(io.BytesIO(data)).size == (1200, 630)
    clear = io.BytesIO()
    Image.new("RGBA", (500, 500), (0, 0, 0, 0)).save(clear, format="PNG")
    data, mime, _ext = image_fit(clear.getvalue(), (1080, 1080))
    assert mime == "image/png" and Image.open(io.BytesIO(data)).mode == "RGBA"
