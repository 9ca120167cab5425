"""Sources (feeds and APIs we poll), the items they yield, and a record of every fetch attempt."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel, WorkspaceScopedModel


class SourceKind(models.TextChoices):
    FEED = "feed", _("RSS / Atom / RDF feed")
    JSON_FEED = "json_feed", _("JSON Feed")
    HACKER_NEWS = "hacker_news", _("Hacker News")
    REDDIT = "reddit", _("Reddit")
    YOUTUBE = "youtube", _("YouTube channel or playlist")
    MASTODON = "mastodon", _("Mastodon")
    BLUESKY = "bluesky", _("Bluesky")
    GOOGLE_TRENDS = "google_trends", _("Google Trends (daily searches)")
    LOBSTERS = "lobsters", _("Lobsters-style JSON")
    GITHUB_RELEASES = "github_releases", _("GitHub releases")
    NEWS_SITEMAP = "news_sitemap", _("News sitemap")
    WEB_PAGE = "web_page", _("Web page watched for new links")


class SourceTrust(models.TextChoices):
    TRUSTED = "trusted", _("Trusted (ranks higher)")
    NORMAL = "normal", _("Normal")
    NOISY = "noisy", _("Noisy (ranks lower)")


# How much a source's trust weighs in an item's rank.
TRUST_WEIGHTS: dict[str, float] = {SourceTrust.TRUSTED: 1.5, SourceTrust.NORMAL: 1.0, SourceTrust.NOISY: 0.5}


class SourceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    FAILING = "failing", _("Failing")


class Source(WorkspaceScopedModel, TimeStampedModel):
    kind = models.CharField(_("kind"), max_length=16, choices=SourceKind.choices, default=SourceKind.FEED)
    name = models.CharField(_("name"), max_length=255, blank=True)
    url = models.URLField(_("URL"), max_length=2000)
    site_url = models.URLField(_("site URL"), max_length=2000, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Hacker News: "top", "new" or "best"; Reddit: "hot" or "new"; the mode of the newer kinds
    # (Mastodon "trend_links", "trend_tags", "hashtag", "account"; Bluesky "search", "author", "feed";
    # YouTube "channel", "playlist").
    listing = models.CharField(_("listing"), max_length=16, blank=True)
    # Kind-specific settings and cached look-ups (a Mastodon account id, a resolved Bluesky DID).
    options = models.JSONField(_("options"), default=dict, blank=True)
    trust = models.CharField(
        _("trust"), max_length=8, choices=SourceTrust.choices, default=SourceTrust.NORMAL, db_index=True
    )
    # Fetch each new item's article and extract its main text (for sources that ship summaries).
    fulltext = models.BooleanField(_("fetch full text"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=SourceStatus.choices, default=SourceStatus.ACTIVE, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Scheduling
    interval_seconds = models.PositiveIntegerField(_("check interval (s)"), default=1800)
    min_interval_seconds = models.PositiveIntegerField(_("minimum interval (s)"), default=300)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    last_fetched_at = models.DateTimeField(_("last fetch"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_new_item_at = models.DateTimeField(_("last new item"), null=True, blank=True)

    # Conditional GET
    etag = models.CharField(_("ETag"), max_length=512, blank=True)
    last_modified = models.CharField(_("Last-Modified"), max_length=128, blank=True)
    body_hash = models.CharField(_("body hash"), max_length=64, blank=True)

    item_count = models.PositiveIntegerField(_("items"), default=0)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "url", "listing"], name="sources_source_unique_url"),
        ]
        indexes = [models.Index(fields=["status", "next_check_at"])]

    def __str__(self) -> str:
        return self.name or self.url

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()

    @property
    def trust_weight(self) -> float:
        return TRUST_WEIGHTS.get(self.trust, 1.0)


class FulltextStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Extracted")
    ROBOTS = "robots", _("Disallowed by robots.txt")
    FAILED = "failed", _("Failed")
    EMPTY = "empty", _("No main text found")


class RuleAction(models.TextChoices):
    KEEP = "keep", _("Keep only matching items")
    DROP = "drop", _("Drop matching items")


class RuleField(models.TextChoices):
    KEYWORDS = "keywords", _("Keywords (comma-separated, any)")
    REGEX = "regex", _("Regular expression")
    LANGUAGE = "language", _("Language codes (comma-separated)")
    AUTHOR = "author", _("Authors (comma-separated)")
    DOMAIN = "domain", _("Domains (comma-separated, subdomains included)")


class FilterRule(WorkspaceScopedModel, TimeStampedModel):
    """A team rule that keeps or drops items as they arrive: for the whole workspace (no source) or for
    one source. Dropped items are stored with the rule and the reason, never silently discarded."""

    source = models.ForeignKey(
        "Source",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("source (empty: every source)"),
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=RuleAction.choices, default=RuleAction.DROP)
    field = models.CharField(_("match on"), max_length=16, choices=RuleField.choices, default=RuleField.KEYWORDS)
    pattern = models.CharField(_("pattern"), max_length=500)
    enabled = models.BooleanField(_("enabled"), default=True)
    hits = models.PositiveIntegerField(_("items dropped"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["source_id", "id"]
        verbose_name = _("filter rule")
        verbose_name_plural = _("filter rules")

    def __str__(self) -> str:
        if self.name:
            return self.name
        action = _("Keep") if self.action == RuleAction.KEEP else _("Drop")
        field = str(self.get_field_display()).split(" (")[0].lower()
        return f"{action}: {field} “{self.pattern[:60]}”"


class Item(WorkspaceScopedModel):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items", verbose_name=_("source"))
    guid = models.CharField(_("source id"), max_length=1000)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    canonical_url = models.CharField(_("canonical URL"), max_length=2000)
    title = models.CharField(_("title"), max_length=1000, blank=True)
    author = models.CharField(_("author"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    summary_html = models.TextField(_("summary"), blank=True)
    content_html = models.TextField(_("content"), blank=True)
    text = models.TextField(_("text"), blank=True)
    # Segmented Chinese/Japanese/Korean words and Latin spellings of other scripts, for search.
    search_tokens = models.TextField(_("search tokens"), blank=True)
    image_url = models.URLField(_("image"), max_length=2000, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True, db_index=True)
    sentiment = models.FloatField(_("sentiment"), default=0.0)
    score = models.IntegerField(_("points"), null=True, blank=True)
    comments = models.IntegerField(_("comments"), null=True, blank=True)
    # Engagement as the source kind reports it, under one vocabulary (points, comments, score, reblogs,
    # favourites, replies, likes, reposts, views, traffic), and a 0..1 figure comparable across kinds.
    signals = models.JSONField(_("signals"), default=dict, blank=True)
    engagement = models.FloatField(_("engagement"), default=0.0)
    # The article's main text, fetched and extracted when the source asks for full text.
    fulltext_html = models.TextField(_("full text"), blank=True)
    fulltext_status = models.CharField(
        _("full text status"), max_length=16, choices=FulltextStatus.choices, blank=True, db_index=True
    )
    fulltext_error = models.CharField(_("full text error"), max_length=500, blank=True)
    # Kept but hidden: dropped by one of the team's rules (which and why), or muted by an editor.
    filtered_by = models.ForeignKey(
        "FilterRule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("dropped by rule"),
    )
    filter_reason = models.CharField(_("why dropped"), max_length=500, blank=True, db_index=True)
    muted_at = models.DateTimeField(_("muted"), null=True, blank=True, db_index=True)
    muted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True)
    # 64 MinHash values (uint32), for near-duplicate detection (datasketch LSH).
    minhash = models.JSONField(_("MinHash signature"), default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "canonical_url"], name="sources_item_unique_canonical_url"),
            models.UniqueConstraint(fields=["source", "guid"], name="sources_item_unique_source_guid"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-published_at"]),
            models.Index(fields=["workspace", "duplicate_of"]),
            models.Index(fields=["workspace", "filtered_by"]),
        ]

    def __str__(self) -> str:
        return self.title or self.canonical_url

    @property
    def created_at(self):
        return self.fetched_at

    @property
    def hidden(self) -> bool:
        return bool(self.filter_reason or self.muted_at)


class FetchOutcome(models.TextChoices):
    OK = "ok", _("Fetched")
    NOT_MODIFIED = "not_modified", _("Not modified")
    UNCHANGED = "unchanged", _("Unchanged body")
    ERROR = "error", _("Error")


class FetchAttempt(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("source"))
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("started"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=FetchOutcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    bytes_received = models.PositiveIntegerField(_("bytes"), default=0)
    items_found = models.PositiveIntegerField(_("items found"), default=0)
    items_new = models.PositiveIntegerField(_("new items"), default=0)
    items_updated = models.PositiveIntegerField(_("updated items"), default=0)
    items_duplicate = models.PositiveIntegerField(_("near-duplicates"), default=0)
    # Entries not stored because another source of the workspace already has their link (an Atom copy of
    # an RSS feed): nothing of theirs is listed here, so the page says how many there were.
    items_skipped = models.PositiveIntegerField(_("already stored from another source"), default=0)
    error = models.TextField(_("error"), blank=True)
    final_url = models.CharField(_("final URL"), max_length=2000, blank=True)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fetch attempt")
        verbose_name_plural = _("fetch attempts")
        indexes = [models.Index(fields=["source", "-started_at"])]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
