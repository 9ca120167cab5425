"""Tracked links: what is published elsewhere points at the site's own short redirect /l/<code>, one
code per publication (so per channel); a click by a person adds one to its count and goes on to the
article. No address, User-Agent, cookie or time of a single click is kept: only the count and when
the last click came."""

from __future__ import annotations

import secrets
import string
from urllib.parse import urlsplit

from django.db import IntegrityError, connection, transaction
from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape

from .bots import request_is_bot
from .models import TrackedLink
from .services import site_base_url, workspace_home

ALPHABET = string.ascii_letters + string.digits
CODE_LENGTH = 8
# Channels whose text is the article itself: nothing to track there.
UNTRACKED_PLATFORMS = frozenset({"site"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def short_base(workspace_id: int) -> str:
    """The site's own address: its host name when it has one, else SITE_URL."""
    home = workspace_home(workspace_id)
    if home is not None and home.hostname:
        parts = urlsplit(home.get_full_url() or "")
        if parts.netloc:
            return f"{parts.scheme}://{parts.netloc}"
    return site_base_url()


def _rewrite(value, old: str, new: str):
    """Replace the link in every string of the frozen content (raw and HTML-escaped forms)."""
    if isinstance(value, str):
        return value.replace(old, new).replace(escape(old), escape(new))
    if isinstance(value, list):
        return [_rewrite(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite(v, old, new) for k, v in value.items()}
    return value


@transaction.atomic
def track_publication_links(
    *, workspace_id: int, post_id: int, publication_id: int, channel_id: int, platform: str, content: dict
) -> dict:
    """The publication's frozen content with its link (and every copy of it in the text) replaced by a
    tracked short link; the original stays in content["target_link"]. Repeating it for the same
    publication keeps its code."""
    link = (content or {}).get("target_link") or (content or {}).get("link") or ""
    if not link or platform in UNTRACKED_PLATFORMS:
        return content
    tracked = TrackedLink.objects.filter(publication_id=publication_id).first()
    if tracked is None:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    tracked = TrackedLink.objects.create(
                        code=new_code(),
                        workspace_id=workspace_id,
                        target_url=link,
                        publication_id=publication_id,
                        channel_id=channel_id,
                        post_id=post_id,
                        platform=platform,
                    )
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 62**8 codes
            return content
    short = f"{short_base(workspace_id)}/l/{tracked.code}"
    current = content.get("link") or link
    out = _rewrite(content, current, short) if current != short else dict(content)
    out["link"] = short
    out["target_link"] = link
    return out


def link_follow(*, code: str, request) -> str | None:
    """The target of a short link (None: no such code); counts the click unless a robot made it."""
    row = TrackedLink.objects.filter(code=code).values_list("pk", "target_url").first()
    if row is None:
        return None
    pk, target = row
    if not request_is_bot(request):
        count_click(pk)
    return target


def count_click(pk: int) -> None:
    """One more click. On PostgreSQL the commit does not wait for the disk (synchronous_commit off for
    this transaction only): a crash may lose the last moment's clicks, never corrupt anything, and the
    reader's redirect does not wait for an fsync."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        TrackedLink.objects.filter(pk=pk).update(clicks=F("clicks") + 1, last_click_at=timezone.now())


def clicks_subquery(publication_ref: str = "pk"):
    """Tracked clicks of the publication in the outer query (0 without a tracked link), for annotations
    where the app shows engagement."""
    rows = TrackedLink.objects.filter(publication_id=OuterRef(publication_ref)).values("clicks")[:1]
    return Coalesce(Subquery(rows), Value(0))


def clicks_for_publications(publication_ids: list[int]) -> dict[int, int]:
    rows = TrackedLink.objects.filter(publication_id__in=publication_ids).values_list("publication_id", "clicks")
    return {publication_id: clicks for publication_id, clicks in rows if publication_id is not None}


def clicks_by_channel(*, workspace_id: int) -> dict[int | None, int]:
    """Tracked clicks per channel id (None: links made without a channel)."""
    rows = TrackedLink.objects.filter(workspace_id=workspace_id).values("channel_id").annotate(n=Sum("clicks"))
    return {r["channel_id"]: r["n"] or 0 for r in rows.order_by()}
