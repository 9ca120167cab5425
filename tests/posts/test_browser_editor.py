"""In Chromium, the richer editor on a live post: an image uploaded with its (required) alt text and the
alt text changed, a table typed in, a source item quoted as a card; saved, reloaded, stored as the
document model says and shown on the team's site."""

from __future__ import annotations

import io
import mimetypes
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from apps.posts import services
from apps.posts.models import Post
from apps.site.services import site_publish_post
from apps.sources.models import Item, Source
from tests.conftest import ARTIFACTS, browser_login

from .conftest import doc_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALT = "Карта района — 地図 🗺️"
ALT_EDITED = "Карта центра города с новой библиотекой"


def _run(fn, **kwargs):
    # Playwright runs an event loop in this thread; the services' after-commit broadcasts need their own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, **kwargs).result()


def _png() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (320, 180), (36, 92, 170))
    image.paste((240, 190, 40), (40, 40, 280, 140))
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _serve_media(page, base_url: str) -> None:
    """The front server's part: the files under MEDIA_URL, from MEDIA_ROOT (this test server serves
    none). Playwright does not see the request a redirect leads to, so the image address is asked
    for here, and the file its redirect names is the answer."""

    def fulfil(route):
        redirect = route.fetch(max_redirects=0)
        location = redirect.headers.get("location", "")
        if redirect.status != 302 or django_settings.MEDIA_URL not in location:
            route.fulfill(response=redirect)
            return
        path = Path(django_settings.MEDIA_ROOT) / location.split(django_settings.MEDIA_URL, 1)[1].split("?")[0]
        route.fulfill(status=200, body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0] or "")

    page.route(f"{base_url}/app/posts/media/**", fulfil)


def _wait_image_loaded(page, selector: str) -> None:
    page.wait_for_function(
        "(s) => { const i = document.querySelector(s); return i && i.naturalWidth > 0; }", arg=selector
    )


@pytest.fixture
def source_item(workspace):
    source = Source.objects.create(workspace=workspace, name="Вести «Дня»", url="https://example.com/feed.xml")
    return Item.objects.create(
        workspace=workspace,
        source=source,
        guid="lib-1",
        url="https://example.com/news/библиотека",
        canonical_url="https://example.com/news/библиотека",
        title="Городская библиотека открылась после ремонта",
        published_at=timezone.now(),
        text="“Мы ждали этого три года,” — сказала директор. Новая библиотека работает до полуночи. " * 4,
        content_hash="b" * 64,
    )


def _insert_image(page) -> None:
    page.locator("#editor .ProseMirror p").first.click()
    page.keyboard.press("End")
    page.click("button[data-cmd=image]")
    dialog = page.locator("#image-dialog")
    expect(dialog).to_be_visible()
    page.set_input_files("#image-file", files=[{"name": "карта.png", "mimeType": "image/png", "buffer": _png()}])
    dialog.locator("button[type=submit]").click()
    # Refused without a description, and told why.
    expect(dialog.locator(".dialog-error")).to_contain_text("alt text")
    expect(page.locator("#editor img")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "posts_image_needs_alt.png"))
    page.fill("#image-alt", ALT)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#editor img")).to_have_attribute("alt", ALT)
    # The description is changed on the selected image; an empty one is refused again.
    page.locator("#editor img").click()
    page.click("button[data-cmd=imageAlt]")
    page.fill("#image-alt-edit", "  ")
    page.locator("#image-alt-dialog button[type=submit]").click()
    expect(page.locator("#image-alt-dialog .dialog-error")).to_contain_text("alt text")
    page.fill("#image-alt-edit", ALT_EDITED)
    page.locator("#image-alt-dialog button[type=submit]").click()
    expect(page.locator("#editor img")).to_have_attribute("alt", ALT_EDITED)


def _insert_table(page) -> None:
    page.locator("#editor .ProseMirror > p").last.click()
    page.keyboard.press("End")
    page.click("button[data-cmd=table]")
    expect(page.locator("#editor table")).to_have_count(1)
    for value in ["Город", "人口", "שלום", "Москва", "13 млн", "👩‍💻"]:
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.click("button[data-cmd=rowDelete]")  # the empty last row the Tab moved into
    expect(page.locator("#editor table tr")).to_have_count(2)


def _insert_source_quote(page, item) -> None:
    page.locator("#editor .ProseMirror > p").last.click()
    page.click("button[data-cmd=sourceQuote]")
    page.fill("#source-search", "библиотека")
    choice = page.locator(f'#source-dialog .source-choice[data-item-id="{item.pk}"]')
    expect(choice).to_contain_text("Вести «Дня»")
    choice.click()
    card = page.locator("#editor figure.source-quote")
    expect(card).to_have_count(1)
    expect(card.locator("figcaption a")).to_have_attribute("href", item.url)


def test_image_table_and_source_quote_are_saved_and_published(
    fresh_channel_layer, asgi_live_server, page, settings, writer, workspace, source_item
):
    settings.SITE_URL = asgi_live_server.url
    post = _run(
        services.post_create, workspace=workspace, user=writer, title="Библиотека", body_json=doc_of("Вступление.")
    )
    _serve_media(page, asgi_live_server.url)
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/posts/{post.pk}/")
    expect(page.locator("#editor .ProseMirror")).to_have_attribute("contenteditable", "true")  # synced

    _insert_image(page)
    _insert_table(page)
    _insert_source_quote(page, source_item)
    _wait_image_loaded(page, "#editor img")
    page.click("#save-button")
    expect(page.locator("#save-status")).to_contain_text("version 2")
    page.locator("#editor").screenshot(path=str(ARTIFACTS / "posts_editor_rich.png"))

    # Stored from the live document, in the document model's own shapes.
    post = Post.objects.get(pk=post.pk)
    kinds = [block["type"] for block in post.body_json["content"]]
    assert {"image", "table", "sourceQuote"} <= set(kinds), kinds
    image = next(b for b in post.body_json["content"] if b["type"] == "image")
    assert image["attrs"]["alt"] == ALT_EDITED and image["attrs"]["src"].startswith("/app/posts/media/")
    card = next(b for b in post.body_json["content"] if b["type"] == "sourceQuote")["attrs"]
    assert card["itemId"] == source_item.pk and card["source"] == "Вести «Дня»"
    assert card["url"] == source_item.url and card["title"] == source_item.title
    assert kinds[:2] == ["paragraph", "image"], kinds  # the image went where the caret was
    assert "Город\n人口\nשלום\nМосква\n13 млн\n👩‍💻" in post.body_text
    assert "<th><p>Город</p></th>" in post.body_html and 'class="source-quote"' in post.body_html

    # Reloaded: the same three things come back from the live document.
    page.reload()
    expect(page.locator("#editor img")).to_have_attribute("alt", ALT_EDITED)
    expect(page.locator("#editor th").first).to_have_text("Город")
    expect(page.locator("#editor td").last).to_have_text("👩‍💻")
    expect(page.locator("#editor figure.source-quote cite")).to_have_text("Вести «Дня»")

    # On the team's site.
    article = _run(site_publish_post, post_id=post.pk, title=post.title, body_html=post.body_html)
    page.goto(article.full_url)
    body = page.locator("article .body")
    expect(body.locator("img")).to_have_attribute("alt", ALT_EDITED)
    expect(body.locator("table th").first).to_have_text("Город")
    expect(body.locator("figure.source-quote blockquote")).to_contain_text("Мы ждали этого три года")
    expect(body.locator("figure.source-quote figcaption a")).to_have_attribute("href", source_item.url)
    _wait_image_loaded(page, "article .body img")
    page.screenshot(path=str(ARTIFACTS / "site_article_rich.png"), full_page=True)
