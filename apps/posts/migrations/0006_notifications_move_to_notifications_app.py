"""The posts app's own notifications (English sentences stored when they were made) move into
apps.notifications, which stores the kind and its parameters and renders the words when they are read:
each row becomes one of the post kinds, keeps its read state and dates, and counts as already e-mailed
(the old task mailed it). Then the old model goes.

What the old sentence said beyond the kind, the person and the post (a comment's excerpt, a note, the
suggested words) is recovered from the English text where its shape allows. Rows of a kind the code
never wrote are dropped. Backwards, the rows come back with the English sentence (actor unknown)."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import migrations
from django.utils import translation

from apps.notifications.texts import render

KINDS = {
    "assigned": "post_assigned",
    "shared": "post_shared",
    "mention": "post_mention",
    "comment": "post_comment",
    "reply": "post_reply",
    "suggestion": "post_suggestion",
    "suggestion.accepted": "suggestion_accepted",
    "suggestion.rejected": "suggestion_rejected",
    "workflow.submit": "review_requested",
    "workflow.request_changes": "changes_requested",
    "workflow.approve": "post_approved",
    "workflow.review_reopened": "review_reopened",
    "workflow.schedule": "post_scheduled",
    "workflow.publish": "post_published",
    "workflow.unpublish": "post_unpublished",
    "workflow.archive": "post_archived",
    "workflow.to_draft": "post_to_draft",
}
EXCERPT_KINDS = {"mention", "comment", "reply"}
SUGGESTED = re.compile(r"^: “(?P<old>.*)” → “(?P<new>.*)”$", re.DOTALL)
LEVELS = {"viewer", "commenter", "editor"}


def _name(user) -> str:
    if user is None:
        return ""
    full = f"{user.first_name} {user.last_name}".strip()
    return (user.display_name or full or user.username)[:150]


def _after_title(message: str, title: str) -> str:
    """What the sentence says after the quoted title (the title may have changed since)."""
    quoted = f"“{title}”"
    start = message.find(quoted) if title else -1
    if start >= 0:
        return message[start + len(quoted) :]
    end = message.find("”")
    return message[end + 1 :] if end >= 0 else ""


def recovered(kind: str, message: str, title: str) -> dict:
    """The parameters the old English sentence of `kind` carried besides the person and the post."""
    rest = _after_title(message, title)
    if kind in EXCERPT_KINDS:
        return {"excerpt": rest[2:].strip()[:200]} if rest.startswith(": ") else {}
    if kind == "suggestion":
        match = SUGGESTED.match(rest)
        return {"old": match["old"][:80], "new": match["new"][:80]} if match else {}
    if kind == "shared":
        level = rest.rsplit(" ", 1)[-1].rstrip(".")
        return {"level": level} if level in LEVELS else {}
    note = rest.split(".", 1)[1].strip() if "." in rest else ""
    return {"note": note[:500]} if note else {}


def forwards(apps, schema_editor):
    Old = apps.get_model("posts", "Notification")
    New = apps.get_model("notifications", "Notification")
    Membership = apps.get_model("accounts", "Membership")
    # Keep the old dates: the historical model's auto_now_add would stamp the migration's time.
    New._meta.get_field("created_at").auto_now_add = False
    members = set(Membership.objects.values_list("workspace_id", "user_id"))
    rows = []
    for old in Old.objects.select_related("actor", "post").order_by("pk").iterator(chunk_size=2000):
        kind = KINDS.get(old.kind)
        if kind is None:
            continue
        title = old.post.title if old.post is not None else ""
        params = {"post": old.post_id, "title": title[:300], "actor": _name(old.actor)}
        params.update(recovered(old.kind, old.message, title))
        rows.append(
            New(
                workspace_id=old.workspace_id,
                recipient_id=old.recipient_id,
                kind=kind,
                key=f"post:{old.post_id}:migrated:{old.pk}",
                params=params,
                url=old.url,
                guest=(old.workspace_id, old.recipient_id) not in members,
                email="immediate",
                emailed_at=old.created_at,
                read_at=old.read_at,
                created_at=old.created_at,
                last_at=old.created_at,
            )
        )
        if len(rows) >= 2000:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    Old = apps.get_model("posts", "Notification")
    New = apps.get_model("notifications", "Notification")
    Post = apps.get_model("posts", "Post")
    old_kinds = {new: old for old, new in KINDS.items()}
    Old._meta.get_field("created_at").auto_now_add = False
    moved = list(New.objects.filter(kind__in=list(old_kinds), key__startswith="post:").order_by("pk"))
    wanted = {row.params.get("post") for row in moved}
    posts = set(Post.objects.filter(pk__in=[pk for pk in wanted if isinstance(pk, int)]).values_list("pk", flat=True))
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in moved:
            post_id = row.params.get("post")
            if post_id not in posts:
                continue
            text = render(row)
            message = f"{text.title}: {text.detail}" if text.detail else f"{text.title}."
            rows.append(
                Old(
                    workspace_id=row.workspace_id,
                    recipient_id=row.recipient_id,
                    post_id=post_id,
                    kind=old_kinds[row.kind],
                    message=message[:500],
                    url=row.url,
                    read_at=row.read_at,
                    created_at=row.created_at,
                )
            )
    Old.objects.bulk_create(rows)
    New.objects.filter(pk__in=[row.pk for row in moved]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_invitations_default_workspace"),
        ("notifications", "0002_post_kinds_and_guests"),
        ("posts", "0005_email_share"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
