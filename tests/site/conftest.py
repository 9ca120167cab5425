from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from apps.posts.models import MediaAsset, MediaKind, PostState
from apps.publishing import dispatcher
from apps.publishing import http as publishing_http
from apps.site.services import site_publish_post

from ..factories import make_post as _make_post

# Real text of several scripts: Cyrillic, CJK, Arabic (right-to-left), an emoji ZWJ sequence and a
# combining accent next to markup.
TITLES = {
    "ru": "Реки выходят из берегов: Европа готовится 🌊",
    "zh": "欧洲河流水位上涨，城镇准备沙袋",
    "ar": "ارتفاع منسوب الأنهار في أوروبا",
    "mix": "Scientists 👩‍🔬 say cafe\u0301 <b>owners</b> & towns prepare",
}
EXCERPT = "Города готовятся к паводку — 城镇准备沙袋 — المدن تستعد 👩‍🔬"
ALT = "Затопленная улица 被淹没的街道 شارع مغمور 🚣‍♀️"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def _site_settings(settings, tmp_path):
    settings.SITE_URL = "http://news.example:8123"
    settings.MEDIA_ROOT = tmp_path / "media"
    from django.core.cache import cache

    cache.clear()
    # The publishing HTTP client is made once per process with the timeout of that moment (a site test
    # that runs the dispatcher would leave one behind for the publishing tests' shorter timeout).
    dispatcher._http = publishing_http._http = None
    yield
    dispatcher._http = publishing_http._http = None


@pytest.fixture
def make_post(workspace, writer, request):
    """An approved Russian post with Chinese and Arabic in its body, made through the posts service
    (tests/factories.make_post): by the writer, or in another workspace by that workspace's admin."""

    home = workspace

    def make(*, workspace=home, **kwargs):
        author = writer if workspace == home else request.getfixturevalue("outsider")
        defaults = {
            "title": TITLES["ru"],
            "body_html": "<p>Реки выходят из берегов.</p><p>河流上涨。 <strong>ارتفاع</strong></p>",
            "excerpt": EXCERPT,
            "tags": ["климат", "洪水"],
            "state": PostState.APPROVED,
            "language": "ru",
        }
        return _make_post(workspace=workspace, user=author, **{**defaults, **kwargs})

    return make


@pytest.fixture
def post(make_post):
    return make_post()


@pytest.fixture
def post_with_media(post):
    image = MediaAsset(workspace=post.workspace, post=post, kind=MediaKind.IMAGE, mime_type="image/png", alt_text=ALT)
    image.file.save("flood.png", ContentFile(PNG), save=True)
    audio = MediaAsset(workspace=post.workspace, post=post, kind=MediaKind.AUDIO, mime_type="audio/mpeg")
    audio.file.save("narration.mp3", ContentFile(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64), save=True)
    post.featured_media = image
    post.save(update_fields=["featured_media"])
    return post


@pytest.fixture
def publish():
    def run(post, **kwargs):
        return site_publish_post(
            post_id=post.pk,
            title=kwargs.pop("title", post.title),
            excerpt=kwargs.pop("excerpt", post.excerpt),
            body_html=kwargs.pop("body_html", post.body_html),
            tags=kwargs.pop("tags", post.tags),
            author_name=kwargs.pop("author_name", "Анна Петрова"),
            **kwargs,
        )

    return run
