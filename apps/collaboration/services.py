"""Writes for live editing: loading (and first seeding) a post's shared document, compacting its update
log into a checkpoint, snapshotting it into a Revision, and applying server-side content (a restored
revision, a save from outside the live editor) as a forward edit that live rooms receive."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pycrdt import Doc

from apps.accounts.models import User
from apps.core.errors import Forbidden, NotFound
from apps.core.queue import enqueue
from apps.posts.document import render_body
from apps.posts.document.ydoc import doc_apply_change, doc_replace_with_json, doc_to_json
from apps.posts.models import Post, Revision
from apps.posts.services.posts import post_update

from .conf import collab_setting
from .layer import group_name, room_layer
from .models import DocumentCheckpoint, DocumentUpdate
from .selectors import document_rows

logger = logging.getLogger(__name__)


def _seed(*, post_id: int) -> bytes:
    """Create the checkpoint from the post's saved body, once: the row lock on the post makes two
    processes opening the same post at once agree on one seed (seeding twice would duplicate the text)."""
    with transaction.atomic():
        post = Post.objects.select_for_update().only("id", "body_json").get(pk=post_id)
        existing = DocumentCheckpoint.objects.filter(post_id=post_id).values_list("state", flat=True).first()
        if existing is not None:
            return bytes(existing)
        doc: Doc[Any] = Doc()
        if post.body_json and post.body_json.get("content"):
            doc_replace_with_json(doc, post.body_json)
        state = doc.get_update()
        DocumentCheckpoint.objects.create(post_id=post_id, state=state, size=len(state))
        return state


def document_build(*, post_id: int) -> Doc[Any]:
    """The post's shared document as the log holds it (checkpoint + every later row)."""
    checkpoint, rows = document_rows(post_id=post_id)
    if checkpoint is None and not rows:
        checkpoint = _seed(post_id=post_id)
    doc: Doc[Any] = Doc()
    if checkpoint:
        doc.apply_update(checkpoint)
    for _pk, data in rows:
        doc.apply_update(data)
    return doc


def document_load(*, post_id: int) -> bytes:
    """The whole document as one update, for a room that opens."""
    return document_build(post_id=post_id).get_update()


def document_compact(*, post_id: int, min_age_seconds: float | None = None) -> int:
    """Fold log rows older than min_age into the checkpoint by replay; returns how many were folded.

    Exactly the folded rows are deleted, so a row that committed after a later id is kept and still
    replayed on load. Only rows older than min_age are taken, which keeps a row and the rows it
    depends on (always older: a client edits on top of what it has seen) together."""
    if min_age_seconds is None:
        min_age_seconds = collab_setting("COMPACT_MIN_AGE_SECONDS")
    cutoff = timezone.now() - timedelta(seconds=min_age_seconds)
    with transaction.atomic():
        checkpoint = DocumentCheckpoint.objects.select_for_update().filter(post_id=post_id).first()
        if checkpoint is None:
            return 0
        rows = list(
            DocumentUpdate.objects.filter(post_id=post_id, created_at__lt=cutoff)
            .order_by("id")
            .values_list("id", "data")[: collab_setting("COMPACT_BATCH_ROWS")]
        )
        if not rows:
            return 0
        doc: Doc[Any] = Doc()
        doc.apply_update(bytes(checkpoint.state))
        for _pk, data in rows:
            doc.apply_update(bytes(data))
        state = doc.get_update()
        checkpoint.state = state
        checkpoint.size = len(state)
        checkpoint.updates_folded += len(rows)
        checkpoint.save(update_fields=["state", "size", "updates_folded", "updated_at"])
        DocumentUpdate.objects.filter(id__in=[pk for pk, _data in rows]).delete()
    return len(rows)


def _last_editor(*, post_id: int) -> User | None:
    update = (
        DocumentUpdate.objects.filter(post_id=post_id, user__isnull=False)
        .select_related("user")
        .order_by("-id")
        .first()
    )
    return update.user if update else None


def document_snapshot(*, post_id: int, reason: str = "", user: User | None = None) -> Revision | None:
    """Save the live document into the post (and so a new Revision) when it differs from the saved
    body. Returns the Revision made, or None when nothing changed."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not DocumentCheckpoint.objects.filter(post_id=post_id).exists():
        return None
    live = doc_to_json(document_build(post_id=post_id))
    cleaned, _html, _text = render_body(body_json=live)
    if cleaned == post.body_json:
        return None
    user = user or _last_editor(post_id=post_id) or post.author
    if user is None:  # the author's account is gone and no live edit names anyone
        logger.warning("snapshot of post %s skipped: nobody to record it as", post_id)
        return None
    reasons = {
        "idle": _("Live editing (snapshot when everyone left)"),
        "activity": _("Live editing (periodic snapshot)"),
        "transition": _("Live editing (snapshot at workflow change)"),
    }
    try:
        # base_json=live: the save was taken from the live document, so nothing goes back into it.
        updated = post_update(
            post=post,
            user=user,
            expected_version=None,
            body_json=live,
            base_json=live,
            reason=reasons.get(reason, reason or _("Live editing")),
            # At a workflow change the snapshot records what the reviewer saw: no new review for it.
            reopen_review=reason != "transition",
        )
    except (Forbidden, NotFound):  # NotFound: they left the workspace and no longer even see the post
        logger.warning("snapshot of post %s skipped: %s may no longer edit it", post_id, user)
        return None
    DocumentCheckpoint.objects.filter(post_id=post_id).update(snapshot_at=timezone.now())
    return updated.revisions.order_by("-number").first()


def _broadcast_update(post_id: int, update: bytes) -> None:
    layer = room_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_name(post_id), {"type": "update", "data": update, "src": ""})
    except Exception:  # live rooms also reload from the log; never fail the save for this
        logger.warning("could not notify live rooms of post %s", post_id, exc_info=True)


def document_apply_json(
    *, post_id: int, body_json: dict[str, Any], base_json: dict[str, Any] | None = None, user: User | None = None
) -> bytes | None:
    """Bring a change made outside the live editor into the shared document, as a new forward edit:
    written to the log, then sent to the rooms that have the post open. With `base_json` (the
    document the change was made from) only what changed from base to body is applied, so whatever
    others typed meanwhile is kept; without it the shared document is made equal to body (a
    restore). Returns the update, or None if nothing differed."""
    doc = document_build(post_id=post_id)
    target, _html, _text = render_body(body_json=body_json)
    before = doc.get_state()
    if base_json is None:
        current, _html, _text = render_body(body_json=doc_to_json(doc))
        if current == target:
            return None
        doc_replace_with_json(doc, target)
    else:
        base, _html, _text = render_body(body_json=base_json)
        if not doc_apply_change(doc, base=base, target=target):
            return None
    update = doc.get_update(before)
    DocumentUpdate.objects.create(post_id=post_id, user=user if getattr(user, "pk", None) else None, data=update)
    transaction.on_commit(lambda: _broadcast_update(post_id, update))
    return update


def on_post_saved(
    *,
    post: Post,
    user: User | None = None,
    body_changed: bool = True,
    base_json: dict[str, Any] | None = None,
    **_kwargs: object,
) -> None:
    """A save from outside the live editor (revision restore, suggestion accepted, API edit) reaches
    the live document as a forward edit of what it changed; saves that left the text alone are skipped."""
    if not body_changed:
        return
    if not DocumentCheckpoint.objects.filter(post_id=post.pk).exists():
        return  # nobody has opened it live yet: the room will seed from the saved body
    document_apply_json(
        post_id=post.pk,
        body_json=post.body_json,
        base_json=base_json,
        user=user,
    )


def document_live_body(*, post_id: int) -> dict[str, Any] | None:
    """The live document as ProseMirror JSON, or None when the post was never opened live."""
    if not DocumentCheckpoint.objects.filter(post_id=post_id).exists():
        return None
    return doc_to_json(document_build(post_id=post_id))


def on_post_transitioned(*, post: Post, **_kwargs: object) -> None:
    # Already after the workflow change committed (a post_transitioned receiver).
    if DocumentCheckpoint.objects.filter(post_id=post.pk).exists():
        enqueue("collaboration.snapshot_post", post.pk, reason="transition")
