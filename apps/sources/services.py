"""Writes for sources: adding (with discovery), pausing, fetching on a schedule, and storing items
in batches with near-duplicate links."""

from __future__ import annotations

import hashlib
import logging
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput
from apps.core.http import FetchError, validate_url_syntax
from apps.core.queue import enqueue_on_commit
from apps.core.retry import backoff
from apps.core.services import audit_log

from . import dedup, events, kinds
from .engagement import engagement_score
from .fetching import FetchResult, fetch_url
from .fulltext import fetch_article
from .models import (
    FetchAttempt,
    FetchOutcome,
    FilterRule,
    FulltextStatus,
    Item,
    RuleAction,
    RuleField,
    Source,
    SourceKind,
    SourceStatus,
    SourceTrust,
)
from .normalize import NormalizedItem, RawEntry, html_to_text, normalize_entry
from .opml import parse_opml
from .parsing import ParsedFeed, ParseError, discover_feeds, hn_item_entry, load_json, parse_bytes, sniff_kind
from .rules import rule_verdict, rules_for_source, validate_pattern
from .signals import items_ingested
from .tokenize import search_tokens

if TYPE_CHECKING:
    from apps.accounts.models import User, Workspace

logger = logging.getLogger(__name__)

MAX_INTERVAL = 24 * 3600
DEFAULT_INTERVAL = 1800
FAILING_AFTER = 3
CLAIM_LEASE = timedelta(minutes=10)
BATCH_SIZE = 500
HN_ITEMS = 30
HN_LISTINGS = ("top", "new", "best")
REDDIT_LISTINGS = ("hot", "new")


def per_host_limit() -> int:
    return settings.SOURCES_PER_HOST_CONCURRENCY


# --- adding sources ---------------------------------------------------------------------------


@dataclass
class SourceSpec:
    kind: str
    url: str
    listing: str = ""
    name: str = ""


_REDDIT_PATH = re.compile(r"^/r/([A-Za-z0-9_]{2,32})(?:/(hot|new))?")


def source_spec_from_url(url: str) -> SourceSpec | None:
    """Known APIs recognised from a URL a person would paste (Hacker News, a subreddit)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host == "news.ycombinator.com":
        listing = {"/newest": "new", "/best": "best"}.get(parts.path.rstrip("/"), "top")
        return SourceSpec(
            kind=SourceKind.HACKER_NEWS,
            url=f"https://hacker-news.firebaseio.com/v0/{listing}stories.json",
            listing=listing,
            name=f"Hacker News ({listing})",
        )
    if host == "hacker-news.firebaseio.com":
        match = re.search(r"/(top|new|best)stories\.json$", parts.path)
        if match:
            return SourceSpec(
                kind=SourceKind.HACKER_NEWS, url=url, listing=match.group(1), name=f"Hacker News ({match.group(1)})"
            )
    if host in ("reddit.com", "www.reddit.com", "old.reddit.com"):
        match = _REDDIT_PATH.match(parts.path)
        if match:
            sub, listing = match.group(1), match.group(2) or "hot"
            return SourceSpec(
                kind=SourceKind.REDDIT,
                url=f"https://www.reddit.com/r/{sub}/{listing}.json?raw_json=1&limit=50",
                listing=listing,
                name=f"r/{sub} ({listing})",
            )
    return None


def _validate_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise InvalidInput(_("Enter a URL."))
    if "://" not in url:
        url = "https://" + url
    try:
        parts = validate_url_syntax(url)
    except FetchError as exc:
        raise InvalidInput(exc.message) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(_("Enter an http or https URL."))
    return url[:2000]


def source_create(
    *,
    user: User,
    workspace: Workspace,
    url: str,
    kind: str = "",
    name: str = "",
    listing: str = "",
    fetch: bool = True,
    options: dict[str, Any] | None = None,
    fulltext: bool = False,
    checked: bool = False,
) -> Source:
    """Add one source as given (no network). Known APIs are recognised from their URL."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    url = _validate_url(url)
    spec = source_spec_from_url(url) if kind in ("", SourceKind.HACKER_NEWS, SourceKind.REDDIT) else None
    spec = spec or SourceSpec(kind=kind or SourceKind.FEED, url=url, listing=listing)
    if spec.kind not in SourceKind.values:
        raise InvalidInput(_("Unknown source kind: %(kind)s") % {"kind": spec.kind})
    if spec.kind in KIND_SPECS and not checked:
        raise InvalidInput(_("Add a source of this kind with its own form."))
    if Source.objects.filter(workspace=workspace, url=spec.url, listing=spec.listing).exists():
        raise Conflict(_("This source is already in the workspace."))
    try:
        with transaction.atomic():
            source = Source.objects.create(
                workspace=workspace,
                kind=spec.kind,
                url=spec.url,
                listing=spec.listing,
                name=(name or spec.name)[:255],
                options=options or {},
                fulltext=fulltext,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                next_check_at=timezone.now(),
            )
            audit_log(actor=user, action="source.create", target=source, data={"url": source.url, "kind": source.kind})
            _changed(source, "added")
    except IntegrityError as exc:
        raise Conflict(_("This source is already in the workspace.")) from exc
    if fetch:
        _enqueue_fetch(source)
    return source


KIND_SPECS: dict[str, Callable[[dict[str, str]], kinds.KindSpec]] = {
    SourceKind.YOUTUBE: lambda f: kinds.youtube_spec(f.get("target", "")),
    SourceKind.MASTODON: lambda f: kinds.mastodon_spec(f.get("instance", ""), f.get("mode", ""), f.get("target", "")),
    SourceKind.BLUESKY: lambda f: kinds.bluesky_spec(f.get("mode", ""), f.get("target", "")),
    SourceKind.GOOGLE_TRENDS: lambda f: kinds.google_trends_spec(f.get("target", "")),
    SourceKind.LOBSTERS: lambda f: kinds.lobsters_spec(f.get("target", "")),
    SourceKind.GITHUB_RELEASES: lambda f: kinds.github_releases_spec(f.get("target", "")),
    SourceKind.NEWS_SITEMAP: lambda f: kinds.news_sitemap_spec(f.get("target", "")),
    SourceKind.WEB_PAGE: lambda f: kinds.web_page_spec(f.get("target", "")),
}


def source_add_kind(
    *, user: User, workspace: Workspace, kind: str, fields: dict[str, str], name: str = "", fulltext: bool = False
) -> Source:
    """Add a source of one of the newer kinds from its own form's fields (validated per kind, no network)."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    builder = KIND_SPECS.get(kind)
    if builder is None:
        raise InvalidInput(_("Unknown source kind: %(kind)s") % {"kind": kind})
    spec = builder(fields)
    return source_create(
        user=user,
        workspace=workspace,
        url=spec.url,
        kind=spec.kind,
        name=name or spec.name,
        listing=spec.listing,
        options=spec.options,
        fulltext=fulltext,
        checked=True,
    )


@dataclass
class AddResult:
    source: Source | None = None
    candidates: list[dict[str, str]] = field(default_factory=list)


def source_add_by_url(*, user: User, workspace: Workspace, url: str, name: str = "") -> AddResult:
    """Add the feed at url; for a web page, discover its feeds. One feed found: added. Several:
    returned as candidates for the person to choose from. None: InvalidInput."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    url = _validate_url(url)
    if source_spec_from_url(url):
        return AddResult(source=source_create(user=user, workspace=workspace, url=url, name=name))
    try:
        result = fetch_url(url, total_timeout=15.0)
    except FetchError as exc:
        raise InvalidInput(_("Could not read %(url)s: %(error)s") % {"url": url, "error": exc.message}) from exc
    kind = sniff_kind(result.body, result.content_type)
    if kind != "html" or re.search(rb"<(rss|feed|rdf:RDF)[\s>]", result.body[:4096]):
        try:
            parsed = parse_bytes(result.body, url=result.final_url, content_type=result.content_type)
        except ParseError as exc:
            raise InvalidInput(_("No feed found at %(url)s: %(error)s") % {"url": url, "error": exc.message}) from exc
        return AddResult(
            source=source_create(
                user=user, workspace=workspace, url=result.final_url, kind=parsed.kind, name=name or parsed.title
            )
        )
    candidates = discover_feeds(result.body, base_url=result.final_url)
    if not candidates:
        raise InvalidInput(_("No feed found at %(url)s.") % {"url": url})
    if len(candidates) == 1:
        found = candidates[0]
        return AddResult(
            source=source_create(
                user=user, workspace=workspace, url=found["url"], kind=found["kind"], name=name or found["title"]
            )
        )
    return AddResult(candidates=candidates)


def source_update(
    *,
    user: User,
    source: Source,
    name: str | None = None,
    url: str | None = None,
    min_interval_seconds: int | None = None,
    trust: str | None = None,
    fulltext: bool | None = None,
) -> Source:
    require_capability(user=user, workspace=source.workspace_id, capability=Capability.MANAGE_SOURCES)
    changed: dict[str, Any] = {}
    if trust is not None:
        if trust not in SourceTrust.values:
            raise InvalidInput(_("Choose how far the source is trusted."))
        source.trust = changed["trust"] = trust
    if fulltext is not None:
        source.fulltext = changed["fulltext"] = bool(fulltext)
    if name is not None:
        source.name = name[:255]
        changed["name"] = source.name
    if url is not None and url != source.url:
        source.url = _validate_url(url)
        source.etag = source.last_modified = source.body_hash = ""
        changed["url"] = source.url
    if min_interval_seconds is not None:
        if not 60 <= min_interval_seconds <= MAX_INTERVAL:
            raise InvalidInput(_("The minimum interval must be between 60 s and 24 h."))
        source.min_interval_seconds = min_interval_seconds
        changed["min_interval_seconds"] = min_interval_seconds
    with transaction.atomic():
        try:
            source.save()
        except IntegrityError as exc:
            raise Conflict(_("This source is already in the workspace.")) from exc
        audit_log(actor=user, action="source.update", target=source, data=changed)
        _changed(source, "updated")
    return source


def source_delete(*, user: User, source: Source) -> None:
    require_capability(user=user, workspace=source.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        audit_log(
            actor=user, action="source.delete", target=source, workspace=source.workspace, data={"url": source.url}
        )
        _changed(source, "deleted")
        source.delete()
    dedup.forget_workspace(source.workspace_id)


def source_pause(*, user: User, source: Source) -> Source:
    require_capability(user=user, workspace=source.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(status=SourceStatus.PAUSED, updated_at=timezone.now())
        source.status = SourceStatus.PAUSED
        audit_log(actor=user, action="source.pause", target=source)
        _changed(source, "paused")
    return source


def source_resume(*, user: User, source: Source) -> Source:
    require_capability(user=user, workspace=source.workspace_id, capability=Capability.MANAGE_SOURCES)
    now = timezone.now()
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(
            status=SourceStatus.ACTIVE, next_check_at=now, consecutive_failures=0, updated_at=now
        )
        source.status, source.next_check_at, source.consecutive_failures = SourceStatus.ACTIVE, now, 0
        audit_log(actor=user, action="source.resume", target=source)
        _changed(source, "resumed")
    return source


def source_fetch_now(*, user: User, source: Source) -> Source:
    """Claim the source and fetch it in the worker right after commit (even when paused or failing)."""
    require_capability(user=user, workspace=source.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        if not source_claim_for_fetch(source=source, actor=user):
            raise Conflict(_("This source is being fetched right now."))
    return source


def source_claim_for_fetch(*, source: Source, actor: User, data: dict[str, Any] | None = None) -> bool:
    """Claim the source for a fetch now and queue it after commit; False when a fetch holds it already.
    No permission check: the member-facing service and the operators' admin action each do their own."""
    now = timezone.now()
    claimed = (
        Source.objects.filter(pk=source.pk)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_LEASE, next_check_at=now)
    )
    if not claimed:
        return False
    audit_log(actor=actor, action="source.fetch_now", target=source, data=data)
    _changed(source, "fetching")
    enqueue_on_commit("sources.fetch", source.pk)
    return True


def _changed(source: Source, change: str, **counts: int) -> None:
    events.source_changed(
        workspace_id=source.workspace_id, source_id=source.pk, change=change, status=source.status, **counts
    )


def _enqueue_fetch(source: Source) -> None:
    """A new source is fetched soon by the beat tick; claim it now so the first fetch is immediate."""
    now = timezone.now()
    if Source.objects.filter(pk=source.pk, claimed_until__isnull=True).update(claimed_until=now + CLAIM_LEASE):
        enqueue_on_commit("sources.fetch", source.pk)


# --- claiming due sources -------------------------------------------------------------------


def sources_claim_due(*, limit: int = 50, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due sources for fetching, never more than the per-host limit in flight
    at once. PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED, so concurrent ticks take different rows;
    elsewhere a conditional UPDATE per row does the same job."""
    now = now or timezone.now()
    due = (
        Source.objects.filter(status__in=[SourceStatus.ACTIVE, SourceStatus.FAILING])
        .filter(Q(next_check_at__isnull=True) | Q(next_check_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by(F("next_check_at").asc(nulls_first=True), "id")
    )
    limit_per_host = per_host_limit()
    skip_locked = connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        if skip_locked:
            candidates = list(
                due.select_for_update(skip_locked=True, of=("self",)).values_list("id", "url")[: limit * 4]
            )
        else:
            candidates = list(due.values_list("id", "url")[: limit * 4])
        busy = Counter(
            (urlsplit(url).hostname or "").lower()
            for url in Source.objects.filter(claimed_until__gt=now).values_list("url", flat=True)
        )
        chosen: list[int] = []
        for pk, url in candidates:
            host = (urlsplit(url).hostname or "").lower()
            if busy[host] >= limit_per_host:
                continue
            if not skip_locked:
                won = (
                    Source.objects.filter(pk=pk)
                    .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                    .update(claimed_until=now + CLAIM_LEASE)
                )
                if not won:
                    continue
            busy[host] += 1
            chosen.append(pk)
            if len(chosen) >= limit:
                break
        if skip_locked and chosen:
            Source.objects.filter(pk__in=chosen).update(claimed_until=now + CLAIM_LEASE)
    return chosen


# --- scheduling -------------------------------------------------------------------------------


def _max_age(headers: dict[str, str], now: datetime) -> int | None:
    cache_control = headers.get("cache-control", "").lower()
    if "no-store" in cache_control or "no-cache" in cache_control:
        return None
    match = re.search(r"(?:s-maxage|max-age)\s*=\s*(\d+)", cache_control)
    if match:
        return int(match.group(1))
    expires = headers.get("expires")
    if expires:
        try:
            when = parsedate_to_datetime(expires)
        except (TypeError, ValueError, IndexError):
            return None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=now.tzinfo)
            return max(0, int((when - now).total_seconds()))
    return None


def next_interval(
    *,
    source: Source,
    published: list[datetime],
    new_items: int,
    headers: dict[str, str] | None = None,
    ttl_seconds: int | None = None,
    now: datetime | None = None,
) -> int:
    """Seconds until the next check after a successful fetch.

    How often the source publishes sets the pace (half the median gap between recent entries);
    a source that brought nothing new slows down a little each time. The server's own hints
    (RSS <ttl>, Cache-Control max-age, Expires) are a floor: we do not come back sooner than asked."""
    now = now or timezone.now()
    floor = max(60, source.min_interval_seconds)
    interval = source.interval_seconds or DEFAULT_INTERVAL
    recent = sorted((p for p in published if p <= now), reverse=True)[:20]
    if len(recent) >= 3:
        gaps = [(a - b).total_seconds() for a, b in zip(recent, recent[1:], strict=False)]
        gaps = [g for g in gaps if g > 0] or [DEFAULT_INTERVAL * 2]
        interval = int(statistics.median(gaps) / 2)
        age = (now - recent[0]).total_seconds()
        interval = max(interval, int(age / 4))  # a quiet source is checked less often
    if new_items == 0:
        interval = int(interval * 1.25)
    hints = [h for h in (ttl_seconds, _max_age(headers or {}, now)) if h]
    if hints:
        interval = max(interval, min(max(hints), MAX_INTERVAL))
    return max(floor, min(interval, MAX_INTERVAL))


def backoff_seconds(*, failures: int, retry_after: float | None = None, base: int = 60) -> int:
    """Exponential backoff with jitter (a random delay in the upper half of the window), capped at 6 h
    (24 h when the server asks for longer);
    a source is never dropped, only slowed down."""
    return int(
        backoff(min(failures, 12), base=base, cap=6 * 3600, retry_after=retry_after, retry_after_cap=MAX_INTERVAL)
    )


# --- fetching and storing ---------------------------------------------------------------------


@dataclass
class UpsertResult:
    new_ids: list[int] = field(default_factory=list)
    updated: int = 0
    duplicates: int = 0
    url_duplicates: int = 0
    # rule id -> items it dropped; ids of new items waiting for their article's full text
    filtered: dict[int, int] = field(default_factory=dict)
    fulltext_ids: list[int] = field(default_factory=list)


@dataclass
class IngestReport:
    outcome: str
    attempt: FetchAttempt | None = None
    found: int = 0
    new: int = 0
    updated: int = 0
    duplicates: int = 0  # near-duplicates linked plus entries skipped
    skipped: int = 0  # entries another source of the workspace already has (same link), not stored
    error: str = ""


_UPDATE_FIELDS = [
    "title",
    "author",
    "summary_html",
    "content_html",
    "text",
    "search_tokens",
    "image_url",
    "language",
    "sentiment",
    "content_hash",
    "minhash",
    "score",
    "comments",
    "signals",
    "engagement",
    "updated_at",
]
# Kinds whose items are signals for trends, not stories of their own: not sent with items_ingested.
SIGNAL_ONLY_KINDS = {SourceKind.GOOGLE_TRENDS}
# Kinds whose items carry their whole text: no article fetch even when the source asks for full text.
FULL_CONTENT_KINDS = {SourceKind.WEB_PAGE, SourceKind.GOOGLE_TRENDS}


def items_upsert(*, source: Source, entries: list[NormalizedItem]) -> UpsertResult:
    """Store a batch of items: new ones inserted and changed ones updated in one
    INSERT ... ON CONFLICT (source, guid) DO UPDATE per batch, near-duplicates linked to the first
    item. Items whose canonical URL another item of the workspace already has are not stored twice."""
    result = UpsertResult()
    if not entries:
        return result
    by_guid: dict[str, NormalizedItem] = {}
    seen_urls: set[str] = set()
    for entry in entries:
        if entry.guid in by_guid or entry.canonical_url in seen_urls:
            continue
        by_guid[entry.guid] = entry
        seen_urls.add(entry.canonical_url)
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _items_upsert_batch(source=source, entries=list(by_guid.values()), result=UpsertResult())
        except IntegrityError:
            # Another source of the workspace stored one of these URLs concurrently: re-read and retry.
            if attempt:
                raise
    return result


def _items_upsert_batch(*, source: Source, entries: list[NormalizedItem], result: UpsertResult) -> UpsertResult:
    now = timezone.now()
    existing = {
        guid: (pk, chash, score, comments, signals)
        for guid, pk, chash, score, comments, signals in Item.objects.filter(
            source=source, guid__in=[e.guid for e in entries]
        ).values_list("guid", "id", "content_hash", "score", "comments", "signals")
    }
    taken_urls = set(
        Item.objects.filter(
            workspace_id=source.workspace_id,
            canonical_url__in=[e.canonical_url for e in entries if e.guid not in existing],
        ).values_list("canonical_url", flat=True)
    )
    rows: list[Item] = []
    new_rows: list[Item] = []
    rules = rules_for_source(source)
    wants_fulltext = source.fulltext and source.kind not in FULL_CONTENT_KINDS
    for entry in entries:
        known = existing.get(entry.guid)
        if known is not None:
            _pk, chash, score, comments, signals = known
            if (chash, score, comments, signals) == (entry.content_hash, entry.score, entry.comments, entry.signals):
                continue
            result.updated += 1
        elif entry.canonical_url in taken_urls:
            result.url_duplicates += 1
            continue
        item = _item_row(source=source, entry=entry, now=now)
        rows.append(item)
        if known is None:
            verdict = rule_verdict(rules, entry) if rules else None
            if verdict is not None:
                item.filtered_by, item.filter_reason = verdict[0], verdict[1][:500]
                result.filtered[verdict[0].pk] = result.filtered.get(verdict[0].pk, 0) + 1
            elif wants_fulltext and entry.url:
                item.fulltext_status = FulltextStatus.PENDING
            new_rows.append(item)
    if not rows:
        return result
    # Chronological insert order makes ids chronological, so "the first item" is the smallest id.
    rows.sort(key=lambda r: r.published_at)
    Item.objects.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["source", "guid"],
        update_fields=_UPDATE_FIELDS,
    )
    if new_rows and new_rows[0].pk is None:  # backends that cannot return ids from an upsert
        ids = dict(Item.objects.filter(source=source, guid__in=[r.guid for r in new_rows]).values_list("guid", "id"))
        for row in new_rows:
            row.pk = ids.get(row.guid)
    new_rows.sort(key=lambda r: r.pk)
    result.duplicates = _link_near_duplicates(source=source, new_rows=new_rows)
    result.new_ids = [r.pk for r in new_rows]
    _keep_fulltext_text(source=source, guids=[r.guid for r in rows if r.guid in existing])
    _after_insert(source=source, new_rows=new_rows, result=result, now=now)
    return result


def _after_insert(*, source: Source, new_rows: list[Item], result: UpsertResult, now: datetime) -> None:
    """Counters of the source and the rules, and the signal other apps hear (after commit)."""
    result.fulltext_ids = [r.pk for r in new_rows if r.fulltext_status == FulltextStatus.PENDING]
    for rule_id, hits in result.filtered.items():
        FilterRule.objects.filter(pk=rule_id).update(hits=F("hits") + hits)
    if result.new_ids:
        Source.objects.filter(pk=source.pk).update(
            item_count=F("item_count") + len(result.new_ids), last_new_item_at=now
        )
        if source.kind in SIGNAL_ONLY_KINDS:
            return  # search terms boost trends (selectors.search_trend_terms); they are not stories
        # items a rule dropped are stored (and findable) but not handed on to trends
        workspace_id, new_ids = source.workspace_id, [r.pk for r in new_rows if not r.filter_reason]
        transaction.on_commit(lambda: items_ingested.send(sender=Source, workspace_id=workspace_id, item_ids=new_ids))


def sources_recount(*, source_ids: list[int]) -> None:
    """Set each source's item_count to the items it holds, for code that stores items without
    items_upsert (the demo's stories, backfills)."""
    held = Item.objects.filter(source=OuterRef("pk")).order_by().values("source").annotate(n=Count("id")).values("n")
    Source.objects.filter(pk__in=source_ids).update(item_count=Coalesce(Subquery(held), 0))


def _item_row(*, source: Source, entry: NormalizedItem, now: datetime) -> Item:
    return Item(
        workspace_id=source.workspace_id,
        source=source,
        guid=entry.guid,
        url=entry.url,
        canonical_url=entry.canonical_url,
        title=entry.title,
        author=entry.author,
        published_at=entry.published_at,
        summary_html=entry.summary_html,
        content_html=entry.content_html,
        text=entry.text,
        search_tokens=entry.search_tokens,
        image_url=entry.image_url,
        language=entry.language,
        sentiment=entry.sentiment,
        score=entry.score,
        comments=entry.comments,
        signals=entry.signals,
        engagement=engagement_score(source.kind, entry.signals),
        content_hash=entry.content_hash,
        minhash=entry.minhash,
        fetched_at=now,
        updated_at=now,
    )


def _link_near_duplicates(*, source: Source, new_rows: list[Item]) -> int:
    """Link each new item that nearly repeats an earlier one to it; returns how many were linked.
    Items a rule dropped take no part (a kept story must never hide behind a dropped one)."""
    links: dict[int, int] = {}
    # The index lock covers only the comparison, not the insert; the refresh inside it may already
    # hold this batch's rows, so duplicates found here are taken out of the index again.
    with dedup.workspace_index(source.workspace_id) as index:
        for row in new_rows:
            if not row.minhash or row.filter_reason:
                continue
            original = index.find(row.minhash, before=row.pk)
            if original is not None:
                links[row.pk] = original
                index.remove(row.pk)
            else:
                index.add(row.pk, row.minhash)
    if not links:
        return 0
    alive = set(Item.objects.filter(pk__in=set(links.values())).values_list("id", flat=True))
    dup_rows = [Item(pk=pk, duplicate_of_id=orig) for pk, orig in links.items() if orig in alive]
    Item.objects.bulk_update(dup_rows, ["duplicate_of"], batch_size=BATCH_SIZE)
    return len(dup_rows)


def _keep_fulltext_text(*, source: Source, guids: list[str]) -> None:
    """An updated feed entry must not put its summary back over the article's extracted text."""
    if not guids:
        return
    rows = [
        Item(pk=pk, text=html_to_text(fulltext_html))
        for pk, fulltext_html in Item.objects.filter(
            source=source, guid__in=guids, fulltext_status=FulltextStatus.DONE
        ).values_list("id", "fulltext_html")
    ]
    if rows:
        Item.objects.bulk_update(rows, ["text"], batch_size=BATCH_SIZE)


def normalize_parsed(*, parsed: ParsedFeed, feed_url: str) -> list[NormalizedItem]:
    now = timezone.now()
    items = []
    for raw in parsed.entries:
        item = normalize_entry(raw, feed_url=feed_url, feed_language=parsed.language, now=now)
        if item is not None:
            items.append(item)
    return items


def _fetch_hacker_news(source: Source) -> tuple[FetchResult, ParsedFeed | None]:
    listing = fetch_url(source.url, etag=source.etag, last_modified=source.last_modified)
    if listing.not_modified:
        return listing, None
    ids = load_json(listing.body)
    if not isinstance(ids, list):
        raise ParseError(_("The Hacker News listing is not a list of ids."))
    ids = [i for i in ids if isinstance(i, int)][:HN_ITEMS]

    def one(item_id: int) -> RawEntry | None:
        try:
            return hn_item_entry(
                load_json(fetch_url(urljoin(source.url, f"item/{item_id}.json"), total_timeout=10).body)
            )
        except (FetchError, ParseError):
            return None

    with ThreadPoolExecutor(max_workers=4) as pool:
        entries = [e for e in pool.map(one, ids) if e is not None]
    return listing, ParsedFeed(kind="hacker_news", title=source.name or "Hacker News", entries=entries)


# Kinds with a fetch of their own (several requests, or a JSON API): source -> (result, parsed or None).
KIND_FETCHERS: dict[str, Callable[[Source], tuple[FetchResult, ParsedFeed | None]]] = {
    SourceKind.HACKER_NEWS: lambda source: _fetch_hacker_news(source),
    SourceKind.MASTODON: kinds.fetch_json_kind,
    SourceKind.BLUESKY: kinds.fetch_json_kind,
    SourceKind.LOBSTERS: kinds.fetch_json_kind,
    SourceKind.NEWS_SITEMAP: kinds.fetch_news_sitemap,
}


def _fetch_and_parse(source: Source) -> tuple[FetchResult, ParsedFeed | None, bool]:
    """(result, parsed or None when not modified/unchanged, unchanged flag)."""
    fetcher = KIND_FETCHERS.get(source.kind)
    if fetcher is not None:
        result, parsed = fetcher(source)
        return result, parsed, False
    if source.kind == SourceKind.WEB_PAGE:
        # an unchanged list page has no new links; a changed one is read link by link
        result, parsed = kinds.fetch_web_page(source)
        return result, parsed, False
    result = fetch_url(source.url, etag=source.etag, last_modified=source.last_modified)
    if result.not_modified:
        return result, None, False
    body_hash = hashlib.sha256(result.body).hexdigest()
    if body_hash == source.body_hash:
        return result, None, True
    if source.kind in (SourceKind.YOUTUBE, SourceKind.GOOGLE_TRENDS):
        return result, kinds.parse_xml_kind(source, result), False
    parsed = parse_bytes(result.body, url=result.final_url, content_type=result.content_type, kind=source.kind)
    if source.kind == SourceKind.GITHUB_RELEASES:
        parsed = kinds.github_release_titles(source, parsed)
    return result, parsed, False


def source_fetch(*, source_id: int) -> IngestReport | None:
    """Fetch one claimed source, store what is new, record the attempt, schedule the next check and
    release the claim. Fetch and parse failures are recorded, never raised."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return None
    started_at = timezone.now()
    clock = time.monotonic()
    result: FetchResult | None = None
    try:
        result, parsed, unchanged = _fetch_and_parse(source)
    except (FetchError, ParseError) as exc:
        return _record_failure(source=source, started_at=started_at, clock=clock, exc=exc)
    except Exception as exc:  # a parser bug must not stop the source for good; record it readably
        logger.exception("unexpected error fetching source %s", source_id)
        return _record_failure(source=source, started_at=started_at, clock=clock, exc=exc)
    return _record_success(
        source=source, started_at=started_at, clock=clock, result=result, parsed=parsed, unchanged=unchanged
    )


def source_ingest_bytes(*, source: Source, body: bytes, content_type: str = "", url: str = "") -> IngestReport:
    """Parse and store a body we already have (the ingest command's files, backfills)."""
    started_at = timezone.now()
    clock = time.monotonic()
    try:
        parsed = kinds.parse_body(source, body, url=url or source.url) or parse_bytes(
            body, url=url or source.url, content_type=content_type, kind=source.kind
        )
        if source.kind == SourceKind.GITHUB_RELEASES:
            parsed = kinds.github_release_titles(source, parsed)
    except ParseError as exc:
        return _record_failure(source=source, started_at=started_at, clock=clock, exc=exc, reschedule=False)
    result = FetchResult(url=url or source.url, final_url=url or source.url, status=200, body=body)
    return _record_success(
        source=source,
        started_at=started_at,
        clock=clock,
        result=result,
        parsed=parsed,
        unchanged=False,
        keep_validators=True,
    )


def _record_success(
    *,
    source: Source,
    started_at: datetime,
    clock: float,
    result: FetchResult,
    parsed: ParsedFeed | None,
    unchanged: bool,
    keep_validators: bool = False,
) -> IngestReport:
    now = timezone.now()
    found, upsert = _entries_store(source=source, result=result, parsed=parsed)
    outcome = (
        FetchOutcome.NOT_MODIFIED if result.not_modified else FetchOutcome.UNCHANGED if unchanged else FetchOutcome.OK
    )
    interval = _next_interval_after(source=source, result=result, parsed=parsed, new_items=len(upsert.new_ids), now=now)
    next_check = now + timedelta(seconds=int(interval * random.uniform(0.9, 1.1)))
    updates = {
        "claimed_until": None,
        "consecutive_failures": 0,
        "last_error": "",
        "last_fetched_at": now,
        "last_success_at": now,
        "interval_seconds": interval,
        "next_check_at": next_check,
        "updated_at": now,
        **_success_updates(source=source, result=result, parsed=parsed, keep_validators=keep_validators),
    }
    duration_ms = int((time.monotonic() - clock) * 1000)
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(**updates)
        attempt = FetchAttempt.objects.create(
            source=source,
            workspace_id=source.workspace_id,
            started_at=started_at,
            duration_ms=duration_ms,
            outcome=outcome,
            http_status=result.status,
            bytes_received=len(result.body),
            items_found=found,
            items_new=len(upsert.new_ids),
            items_updated=upsert.updated,
            items_duplicate=upsert.duplicates,
            items_skipped=upsert.url_duplicates,
            error=parsed.bozo_message if parsed is not None and not found else "",
            final_url=result.final_url[:2000],
            next_check_at=next_check,
        )
    for key, value in updates.items():
        setattr(source, key, value)
    _changed(source, "fetched", new=len(upsert.new_ids), skipped=upsert.url_duplicates)
    return IngestReport(
        outcome=outcome,
        attempt=attempt,
        found=found,
        new=len(upsert.new_ids),
        updated=upsert.updated,
        duplicates=upsert.duplicates + upsert.url_duplicates,
        skipped=upsert.url_duplicates,
    )


def _entries_store(*, source: Source, result: FetchResult, parsed: ParsedFeed | None) -> tuple[int, UpsertResult]:
    """(entries found, what storing them did); the new items whose full text is wanted are queued."""
    if parsed is None:
        return 0, UpsertResult()
    items = normalize_parsed(parsed=parsed, feed_url=result.final_url)
    upsert = items_upsert(source=source, entries=items)
    if upsert.fulltext_ids:
        enqueue_on_commit("sources.fulltext", upsert.fulltext_ids)
    return len(items), upsert


def _next_interval_after(
    *, source: Source, result: FetchResult, parsed: ParsedFeed | None, new_items: int, now: datetime
) -> int:
    """Seconds until the next check, from how often the feed publishes and what its answer said."""
    if parsed is None:
        return next_interval(source=source, published=[], new_items=0, headers=result.headers, now=now)
    return next_interval(
        source=source,
        published=[i.published for i in parsed.entries if i.published],
        new_items=new_items,
        headers=result.headers,
        ttl_seconds=parsed.ttl_seconds,
        now=now,
    )


def _success_updates(
    *, source: Source, result: FetchResult, parsed: ParsedFeed | None, keep_validators: bool
) -> dict[str, Any]:
    """The source's fields a good fetch changes besides its schedule: the validators for the next
    conditional request, a failing status cleared, a permanent move followed, and the name, site
    and description the feed gives when the source has none."""
    updates: dict[str, Any] = {}
    if not keep_validators:
        if result.etag or not result.not_modified:
            updates["etag"] = result.etag[:512]
        if result.last_modified or not result.not_modified:
            updates["last_modified"] = result.last_modified[:128]
        if result.body:
            updates["body_hash"] = hashlib.sha256(result.body).hexdigest()
    if source.status == SourceStatus.FAILING:
        updates["status"] = SourceStatus.ACTIVE
    if (
        result.moved_to
        and source.kind != SourceKind.HACKER_NEWS
        and not Source.objects.filter(
            workspace_id=source.workspace_id, url=result.moved_to[:2000], listing=source.listing
        )
        .exclude(pk=source.pk)
        .exists()
    ):
        updates["url"] = result.moved_to[:2000]  # moved permanently: follow it, as feed readers do
    if parsed is not None:
        if not source.name and parsed.title:
            updates["name"] = parsed.title[:255]
        if not source.site_url and parsed.link.startswith(("http://", "https://")):
            updates["site_url"] = parsed.link[:2000]
        if not source.description and parsed.description:
            updates["description"] = parsed.description
    return updates


def _record_failure(
    *, source: Source, started_at: datetime, clock: float, exc: Exception, reschedule: bool = True
) -> IngestReport:
    now = timezone.now()
    message = getattr(exc, "message", "") or f"{type(exc).__name__}: {exc}"
    failures = source.consecutive_failures + 1
    retry_after = getattr(exc, "retry_after", None)
    next_check = now + timedelta(
        seconds=backoff_seconds(
            failures=failures, retry_after=retry_after, base=max(60, source.min_interval_seconds // 5)
        )
    )
    updates = {
        "claimed_until": None,
        "consecutive_failures": failures,
        "last_error": message[:2000],
        "last_fetched_at": now,
        "updated_at": now,
    }
    if reschedule:
        updates["next_check_at"] = next_check
    if failures >= FAILING_AFTER and source.status == SourceStatus.ACTIVE:
        updates["status"] = SourceStatus.FAILING
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(**updates)
        attempt = FetchAttempt.objects.create(
            source=source,
            workspace_id=source.workspace_id,
            started_at=started_at,
            duration_ms=int((time.monotonic() - clock) * 1000),
            outcome=FetchOutcome.ERROR,
            http_status=getattr(exc, "status", None),
            error=message[:4000],
            next_check_at=next_check if reschedule else None,
        )
    for key, value in updates.items():
        setattr(source, key, value)
    _changed(source, "failed")
    return IngestReport(outcome=FetchOutcome.ERROR, attempt=attempt, error=message)


def source_release_stale_claims(*, now: datetime | None = None) -> int:
    """Claims past their lease belong to crashed workers; clearing them is cosmetic (claims expire)."""
    now = now or timezone.now()
    return Source.objects.filter(claimed_until__lt=now).update(claimed_until=None)


# --- OPML -------------------------------------------------------------------------------------


def opml_import(*, user: User, workspace: Workspace, data: bytes) -> tuple[list[Source], list[str]]:
    """Add every feed of an OPML file; returns (created sources, skipped URLs with reasons)."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    created: list[Source] = []
    skipped: list[str] = []
    for outline in parse_opml(data):
        try:
            created.append(
                source_create(user=user, workspace=workspace, url=outline["url"], name=outline["title"], fetch=True)
            )
        except (Conflict, InvalidInput) as exc:
            skipped.append(f"{outline['url']}: {getattr(exc, 'message', exc)}")
    return created, skipped


def source_for_ingest_command(*, workspace: Workspace, target: str) -> tuple[Source, bytes | None]:
    """The source the `ingest` command works on: a file (stored as a paused file:// source, never
    polled) or a URL (an existing source of the workspace, or a new one)."""
    path = Path(target)
    if path.exists():
        uri = path.resolve().as_uri()
        source, _created = Source.objects.get_or_create(
            workspace=workspace, url=uri, listing="", defaults={"name": path.name, "status": SourceStatus.PAUSED}
        )
        return source, path.read_bytes()
    url = _validate_url(target)
    spec = source_spec_from_url(url) or SourceSpec(kind=SourceKind.FEED, url=url)
    source, _created = Source.objects.get_or_create(
        workspace=workspace,
        url=spec.url,
        listing=spec.listing,
        defaults={"kind": spec.kind, "name": spec.name, "next_check_at": timezone.now()},
    )
    return source, None


# --- full text ----------------------------------------------------------------------------------


def items_fetch_fulltext(*, item_ids: list[int], max_wait: float | None = None) -> dict[str, int]:
    """Fetch and extract the article of each pending item (robots.txt and the per-host rate honoured);
    the sanitized main text is stored beside the summary and becomes the item's text (what clustering
    and drafting read). Returns a count per outcome. An item whose host slot did not come up in time
    stays pending and is queued again."""
    counts: Counter[str] = Counter()
    retry: list[int] = []
    limit = settings.SOURCES_FULLTEXT_PER_FETCH
    items = Item.objects.filter(pk__in=item_ids, fulltext_status=FulltextStatus.PENDING).order_by("id")[: limit * 5]
    for item in items:
        article = fetch_article(item.url, max_wait=max_wait)
        counts[article.status] += 1
        if article.status == FulltextStatus.PENDING:
            retry.append(item.pk)
            continue
        updates = {
            "fulltext_status": article.status,
            "fulltext_error": article.error[:500],
            "updated_at": timezone.now(),
        }
        if article.status == FulltextStatus.DONE:
            text = article.text or item.text
            updates.update(
                fulltext_html=article.html,
                text=text,
                search_tokens=search_tokens(item.title, text, language=item.language),
            )
            if not item.image_url and article.image_url.startswith(("http://", "https://")):
                updates["image_url"] = article.image_url[:2000]
        Item.objects.filter(pk=item.pk).update(**updates)
    if retry:
        enqueue_on_commit("sources.fulltext", retry)
    return dict(counts)


def item_refetch_fulltext(*, user: User, item: Item) -> Item:
    require_capability(user=user, workspace=item.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        Item.objects.filter(pk=item.pk).update(fulltext_status=FulltextStatus.PENDING, fulltext_error="")
        item.fulltext_status = FulltextStatus.PENDING
        audit_log(actor=user, action="item.fulltext", target=item)
        enqueue_on_commit("sources.fulltext", [item.pk])
    return item


# --- the team's rules; muting a story -------------------------------------------------------------


def rule_create(
    *,
    user: User,
    workspace: Workspace,
    action: str,
    field: str,
    pattern: str,
    source: Source | None = None,
    name: str = "",
) -> FilterRule:
    """A keep or drop rule for the workspace or one of its sources; applies to items arriving from now on."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    if action not in RuleAction.values:
        raise InvalidInput(_("Choose whether the rule keeps or drops items."))
    if field not in RuleField.values:
        raise InvalidInput(_("Choose what the rule matches on."))
    if source is not None and source.workspace_id != getattr(workspace, "pk", workspace):
        raise InvalidInput(_("Source not found."))
    pattern = validate_pattern(field, pattern)
    with transaction.atomic():
        rule = FilterRule.objects.create(
            workspace_id=getattr(workspace, "pk", workspace),
            source=source,
            action=action,
            field=field,
            pattern=pattern,
            name=name[:120],
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        audit_log(actor=user, action="source.rule_create", target=rule, data={"pattern": pattern, "field": field})
    return rule


def rule_set_enabled(*, user: User, rule: FilterRule, enabled: bool) -> FilterRule:
    require_capability(user=user, workspace=rule.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        FilterRule.objects.filter(pk=rule.pk).update(enabled=enabled, updated_at=timezone.now())
        rule.enabled = enabled
        audit_log(actor=user, action="source.rule_enable" if enabled else "source.rule_disable", target=rule)
    return rule


def rule_delete(*, user: User, rule: FilterRule) -> None:
    """Deleting a rule keeps its items dropped (their reason stays readable); restore them one by one."""
    require_capability(user=user, workspace=rule.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        audit_log(actor=user, action="source.rule_delete", target=rule, data={"pattern": rule.pattern})
        rule.delete()


def item_restore(*, user: User, item: Item) -> Item:
    """Bring back an item a rule dropped."""
    require_capability(user=user, workspace=item.workspace_id, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        Item.objects.filter(pk=item.pk).update(filtered_by=None, filter_reason="")
        item.filtered_by, item.filter_reason = None, ""
        audit_log(actor=user, action="item.restore", target=item)
    return item


def _story_ids(item: Item) -> list[int]:
    root = item.duplicate_of_id or item.pk
    return list(Item.objects.filter(Q(pk=root) | Q(duplicate_of_id=root)).values_list("id", flat=True))


def item_mute(*, user: User, item: Item, muted: bool = True) -> int:
    """Mute (or unmute) a story: the item, its original and every near-duplicate of it."""
    require_capability(user=user, workspace=item.workspace_id, capability=Capability.MANAGE_SOURCES)
    ids = _story_ids(item)
    with transaction.atomic():
        if muted:
            count = Item.objects.filter(pk__in=ids).update(muted_at=timezone.now(), muted_by=user)
        else:
            count = Item.objects.filter(pk__in=ids).update(muted_at=None, muted_by=None)
        audit_log(actor=user, action="item.mute" if muted else "item.unmute", target=item, data={"items": len(ids)})
    return count


def rules_apply_recent(*, user: User, workspace: Workspace, days: int = 7) -> int:
    """Run the enabled rules over the visible items of the last `days` days (a new rule otherwise only
    sees items arriving after it). Returns how many items were dropped."""
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    since = timezone.now() - timedelta(days=max(1, min(days, 90)))
    dropped: list[Item] = []
    hits: Counter[int] = Counter()
    for source in Source.objects.filter(workspace=workspace):
        rules = rules_for_source(source)
        if not rules:
            continue
        items = Item.objects.filter(source=source, filter_reason="", published_at__gte=since).only(
            "id", "title", "text", "language", "author", "url", "canonical_url", "guid"
        )
        for item in items.iterator(chunk_size=BATCH_SIZE):
            verdict = rule_verdict(rules, item)
            if verdict is not None:
                item.filtered_by, item.filter_reason = verdict[0], verdict[1][:500]
                hits[verdict[0].pk] += 1
                dropped.append(item)
    with transaction.atomic():
        Item.objects.bulk_update(dropped, ["filtered_by", "filter_reason"], batch_size=BATCH_SIZE)
        for rule_id, n in hits.items():
            FilterRule.objects.filter(pk=rule_id).update(hits=F("hits") + n)
        audit_log(
            actor=user, action="source.rules_apply", target=None, workspace=workspace, data={"items": len(dropped)}
        )
    return len(dropped)
