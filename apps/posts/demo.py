"""Demo posts in every workflow state, with revisions, comments and a suggestion (idempotent)."""

from __future__ import annotations

from typing import Any

from apps.personas.models import Persona
from apps.trends.models import Trend

from . import services
from .document import html_to_document
from .models import Post

DEMO_POSTS: list[dict[str, Any]] = [
    {
        "title": "Why small newsrooms are betting on trend tracking",
        "html": "<p>Small teams cannot watch every feed. Trend tracking turns hundreds of sources into a short list "
        "of stories that are <strong>rising right now</strong>.</p><h2>What changes</h2><ul><li>Less time "
        "scanning feeds</li><li>More time reporting</li></ul><p>The result is a calmer morning meeting.</p>",
        "path": ["submit", "approve", "publish"],
        "tags": ["newsroom", "trends"],
    },
    {
        "title": "Five signals that a story is about to break",
        "html": "<p>Velocity matters more than volume. A story mentioned by three unrelated sources within an hour "
        "is worth a look, even if each mention is small.</p><p>Diversity of sources is the second signal.</p>",
        "path": ["submit"],
        "comment": ("Velocity matters more than volume", "Can we add a chart here? @editor"),
        "suggestion": ("worth a look", "worth a closer look"),
        "tags": ["analysis"],
    },
    {
        "title": "What this week's open-source AI releases mean for editors",
        "html": "<p>Draft: list the releases, then explain what each one changes for a working editor.</p>",
        "path": [],
        "tags": ["ai"],
    },
    {
        "title": "A practical guide to scheduling posts across platforms",
        "html": "<p>Schedule once, publish everywhere: each platform gets its own publication with its own "
        "time, retries and result.</p>",
        "path": ["submit", "approve"],
        "tags": ["publishing"],
    },
    {
        "title": "Lessons from a week of live co-editing",
        "html": "<p>Two people typing in one paragraph sounds chaotic. In practice it felt like pair writing.</p>",
        "path": ["submit", "request_changes"],
        "comment": ("pair writing", "Give a concrete example from the week."),
        "tags": ["collaboration"],
    },
    {
        "title": "Last year's most-read explainers",
        "html": "<p>A look back at the explainers readers came back to.</p>",
        "path": ["submit", "approve", "publish", "archive"],
        "tags": ["archive"],
    },
]

WHO = {
    "submit": "writer",
    "approve": "editor",
    "request_changes": "editor",
    "publish": "publisher",
    "archive": "publisher",
}


def seed(*, workspace, users) -> list[Post]:
    writer = users["writer"]
    persona = Persona.objects.filter(workspace=workspace).order_by("pk").first()
    trend = Trend.objects.filter(workspace=workspace).order_by("pk").first()
    posts = []
    for spec in DEMO_POSTS:
        existing = Post.objects.filter(workspace=workspace, title=spec["title"]).first()
        if existing is not None:
            posts.append(existing)
            continue
        post = services.post_create(
            workspace=workspace,
            user=writer,
            title=spec["title"],
            body_json=html_to_document(spec["html"] + "<p>Notes to self: check the numbers before review.</p>"),
            tags=spec["tags"],
            persona=persona,
            trend=trend,
            assignee=writer,
            reason="Demo",
        )
        post = services.post_update(
            post=post,
            user=users["editor"],
            expected_version=post.version,
            body_json=html_to_document(spec["html"]),
            reason="Removed the notes",
        )
        if "comment" in spec:
            quote, body = spec["comment"]
            services.comment_create(post=post, user=users["editor"], body=body, quote=quote)
        if "suggestion" in spec:
            quote, replacement = spec["suggestion"]
            services.suggestion_create(post=post, user=users["editor"], quote=quote, replacement=replacement)
        for action in spec["path"]:
            post = services.post_transition(post=post, user=users[WHO[action]], action=action)
        posts.append(post)
    return posts
