"""A workspace's podcast: its published posts that have narration audio, as an RSS 2.0 feed with the
iTunes tags podcast apps require (channel image, category, explicit; enclosure with length and type per
episode, duration when known), and the square cover art it points to.

Episodes prefer the web encoding (MP3) over the WAV it was made from: podcast apps expect MP3/AAC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import feedgenerator, timezone
from django.utils.translation import gettext as _

from apps.posts.models import MediaAsset, MediaKind, Post, PostState
from apps.site.models import ArticlePage

from .cards import render_card

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
COVER_SIZE = (1400, 1400)  # Apple's minimum for podcast artwork
MAX_EPISODES = 100
# Preferred order of episode audio: what podcast apps play everywhere first.
MIME_PREFERENCE = {"audio/mpeg": 0, "audio/mp4": 1, "audio/aac": 2, "audio/ogg": 3, "audio/wav": 9}


@dataclass
class Episode:
    post: Post
    audio: MediaAsset
    page_url: str = ""  # the post's article on the public site, when it was published there

    @property
    def duration(self) -> str:
        seconds = round(float((self.audio.data or {}).get("duration_seconds") or 0))
        if not seconds:
            return ""
        return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def podcast_episodes(*, workspace, persona=None, limit: int = MAX_EPISODES) -> list[Episode]:
    """The workspace's (or one persona's) published posts with audio, newest first, each with its best file."""
    audio = MediaAsset.objects.filter(kind=MediaKind.AUDIO).exclude(file="").order_by("pk")
    posts = (
        Post.objects.filter(workspace=workspace, state=PostState.PUBLISHED, media__kind=MediaKind.AUDIO)
        .select_related("persona", "author")
        .prefetch_related(Prefetch("media", queryset=audio, to_attr="audio_assets"))
        .distinct()
        .order_by("-published_at", "-pk")
    )
    if persona is not None:
        posts = posts.filter(persona=persona)
    episodes = []
    for post in posts[:limit]:
        assets = sorted(post.audio_assets, key=lambda a: (MIME_PREFERENCE.get(a.mime_type, 5), a.pk))
        if assets:
            episodes.append(Episode(post=post, audio=assets[0]))
    pages = ArticlePage.objects.live().public().filter(source_post_id__in=[e.post.pk for e in episodes])
    urls = {page.source_post_id: page.url for page in pages}
    for episode in episodes:
        episode.page_url = urls.get(episode.post.pk) or ""
    return episodes


class PodcastFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the iTunes podcast namespace."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        attrs["xmlns:itunes"] = ITUNES_NS
        return attrs

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        handler.addQuickElement("itunes:author", self.feed["author_name"] or "")
        handler.addQuickElement("itunes:summary", self.feed["description"] or "")
        handler.addQuickElement("itunes:type", "episodic")
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:image", "", {"href": self.feed["image_url"]})
        handler.startElement("image", {})
        handler.addQuickElement("url", self.feed["image_url"])
        handler.addQuickElement("title", self.feed["title"])
        handler.addQuickElement("link", self.feed["link"])
        handler.endElement("image")
        handler.addQuickElement("itunes:category", "", {"text": self.feed["category"]})
        handler.startElement("itunes:owner", {})
        handler.addQuickElement("itunes:name", self.feed["author_name"] or self.feed["title"])
        handler.endElement("itunes:owner")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("itunes:title", item["title"])
        handler.addQuickElement("itunes:summary", item["description"] or "")
        handler.addQuickElement("itunes:explicit", "false")
        handler.addQuickElement("itunes:episodeType", "full")
        if item.get("duration"):
            handler.addQuickElement("itunes:duration", item["duration"])


def podcast_feed(*, workspace, persona, episodes: list[Episode], absolute, feed_url: str, cover_url: str) -> str:
    """The feed's XML. absolute(path_or_url) makes the links absolute (the request's build_absolute_uri)."""
    title = f"{workspace.name} · {persona.name}" if persona is not None else workspace.name
    description = (
        (persona.description if persona is not None else "")
        or workspace.description
        or _("Audio posts from %(name)s.") % {"name": workspace.name}
    )
    language = persona.language if persona is not None else (episodes[0].post.language if episodes else "en")
    feed = PodcastFeed(
        title=title,
        link=absolute("/"),
        description=description,
        language=language,
        feed_url=feed_url,
        author_name=persona.name if persona is not None else workspace.name,
        image_url=cover_url,
        category="News",
        ttl=60,
    )
    for episode in episodes:
        post, audio = episode.post, episode.audio
        feed.add_item(
            title=post.title,
            link=absolute(episode.page_url or audio.file.url),
            description=post.excerpt or (post.body_text or "")[:600],
            unique_id=f"trendoscope-post-{post.pk}-audio-{audio.pk}",
            unique_id_is_permalink=False,
            pubdate=post.published_at or post.updated_at or timezone.now(),
            author_name=post.persona.name if post.persona else "",
            enclosures=[
                feedgenerator.Enclosure(absolute(audio.file.url), str(audio.size or audio.file.size), audio.mime_type)
            ],
            duration=episode.duration,
            categories=[t for t in post.tags if isinstance(t, str)][:6],
        )
    return feed.writeString("utf-8")


def podcast_cover(*, workspace, persona=None) -> bytes:
    """Square cover art (1400×1400 PNG) in the persona's colour when it has one."""
    colors = [persona.color] if persona is not None and persona.color else None
    title = persona.name if persona is not None else workspace.name
    return render_card(title=title, subtitle=workspace.name if persona else "", size=COVER_SIZE, colors=colors).png


def latest_change(episodes: list[Episode]) -> dt.datetime | None:
    stamps = [e.post.published_at or e.post.updated_at for e in episodes]
    return max((s for s in stamps if s), default=None)
