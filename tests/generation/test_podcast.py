"""The workspace's podcast feed: published audio posts as RSS with iTunes tags, read back with feedparser
(the parser the product uses for feeds) and checked for the tags podcast apps require."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.generation.podcast import ITUNES_NS
from apps.personas.models import Persona
from apps.posts.models import MediaAsset, MediaKind, Post, PostState

from ..factories import make_post

pytestmark = pytest.mark.django_db


def _post(
    workspace, user, title, *, state=PostState.PUBLISHED, persona=None, audio=(("audio/mpeg", "mp3", b"ID3" * 500),)
):
    post = make_post(
        workspace=workspace,
        user=user,
        title=title,
        text="Текст эпизода. 日本語. 👩‍👩‍👧",
        excerpt=f"{title} — excerpt",
        state=state,
        persona=persona,
        published_at=timezone.now() if state == PostState.PUBLISHED else None,
        tags=["ai", "新闻"],
    )
    for mime, ext, content in audio:
        asset = MediaAsset(
            workspace=workspace,
            post=post,
            kind=MediaKind.AUDIO,
            mime_type=mime,
            size=len(content),
            data={"duration_seconds": 75.4},
        )
        asset.file.save(f"ep{post.pk}.{ext}", ContentFile(content), save=False)
        asset.save()
    return post


@pytest.fixture
def episodes(workspace, writer):
    persona = Persona.objects.create(workspace=workspace, name="Ада", language="ru", color="#1f6feb")
    published = _post(
        workspace,
        writer,
        "Открытые модели догоняют 🚀",
        persona=persona,
        audio=(("audio/wav", "wav", b"RIFF" * 900), ("audio/mpeg", "mp3", b"ID3" * 400)),
    )
    other = _post(workspace, writer, "Open & <honest> models")
    _post(workspace, writer, "A draft with audio", state=PostState.DRAFT)
    _post(workspace, writer, "Published, no audio", audio=())
    return persona, published, other


def _get(client, workspace, **params):
    return client.get(reverse("generation:podcast", args=[workspace.slug]), params)


def test_feed_parses_and_lists_published_audio_posts_with_enclosures(client, workspace, episodes):
    persona, published, other = episodes
    response = _get(client, workspace)  # anonymous: the feed is public
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == workspace.name
    assert {e.title for e in parsed.entries} == {other.title, published.title}
    by_title = {e.title: e for e in parsed.entries}
    ru = by_title[published.title]
    # The MP3 is the enclosure, not the WAV it was made from; length is the file's bytes.
    (enclosure,) = ru.enclosures
    mp3 = published.media.get(mime_type="audio/mpeg")
    assert enclosure.type == "audio/mpeg" and int(enclosure.length) == mp3.size == 1200
    assert enclosure.href.startswith("http://testserver/") and enclosure.href.endswith(".mp3")
    assert ru.itunes_duration == "0:01:15"
    assert ru.id == f"trendoscope-post-{published.pk}-audio-{mp3.pk}" and ru.guidislink is False
    assert {t.term for t in ru.tags} == {"ai", "新闻"}
    assert "A draft with audio" not in by_title and "Published, no audio" not in by_title


def test_feed_has_the_tags_podcast_apps_require(client, workspace, episodes):
    root = ET.fromstring(_get(client, workspace).content)
    channel = root.find("channel")
    it = f"{{{ITUNES_NS}}}"
    for tag in ("title", "link", "description", "language"):
        assert (channel.findtext(tag) or "").strip(), tag
    image = channel.find(f"{it}image")
    assert image is not None and image.get("href").endswith(f"/podcast/{workspace.slug}/cover.png")
    assert channel.find(f"{it}category").get("text")
    assert channel.findtext(f"{it}explicit") in ("false", "true")
    assert channel.findtext(f"{it}author")
    for item in channel.findall("item"):
        enclosure = item.find("enclosure")
        assert enclosure.get("url") and int(enclosure.get("length")) > 0 and enclosure.get("type").startswith("audio/")
        assert item.findtext("title") and item.findtext("guid") and item.findtext("pubDate")
    # The cover is square and at least 1400 px, as Apple requires.
    cover = client.get(reverse("generation:podcast_cover", args=[workspace.slug]))
    assert Image.open(io.BytesIO(cover.content)).size == (1400, 1400)


def test_a_persona_has_its_own_feed(client, workspace, episodes):
    persona, published, _other = episodes
    parsed = feedparser.parse(_get(client, workspace, persona=persona.pk).content)
    assert [e.title for e in parsed.entries] == [published.title]
    assert parsed.feed.title == f"{workspace.name} · Ада"
    assert parsed.feed.language == "ru"


def test_unknown_workspace_or_persona_is_404(client, workspace, other_workspace, episodes):
    assert client.get(reverse("generation:podcast", args=["nope"])).status_code == 404
    foreign = Persona.objects.create(workspace=other_workspace, name="Other")
    assert _get(client, workspace, persona=foreign.pk).status_code == 404
    assert _get(client, workspace, persona="x").status_code == 404


def test_an_empty_podcast_is_still_a_valid_feed(client, other_workspace):
    parsed = feedparser.parse(_get(client, other_workspace).content)
    assert not parsed.bozo and parsed.entries == [] and parsed.feed.title == other_workspace.name


@pytest.mark.skipif(not __import__("shutil").which("espeak-ng"), reason="espeak-ng")
def test_a_generated_podcast_episode_reaches_the_feed(
    django_capture_on_commit_callbacks, client, writer, workspace, item
):
    from apps.generation.services import generation_start

    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="podcast_script", with_image=False)
    job.refresh_from_db()
    Post.objects.filter(pk=job.post_id).update(state=PostState.PUBLISHED, published_at=timezone.now())
    parsed = feedparser.parse(_get(client, workspace).content)
    (entry,) = parsed.entries
    enclosure = entry.enclosures[0]
    assert enclosure.type in ("audio/mpeg", "audio/wav")
    # The enclosure's length is the stored file's size, and its duration the narration's.
    path = enclosure.href.removeprefix("http://testserver")
    asset = MediaAsset.objects.get(post_id=job.post_id, file__endswith=path.rsplit("/", 1)[-1])
    assert int(enclosure.length) == asset.file.size
    assert entry.itunes_duration and entry.itunes_duration != "0:00:00"


def test_the_podcast_is_on_the_public_site_beside_the_articles(client, workspace, episodes):
    from django.urls import reverse

    url = reverse("public_podcast", args=[workspace.slug])
    assert url == f"/{workspace.slug}/podcast.xml"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    assert feedparser.parse(response.content).entries
