"""Admin for sources, items and fetch attempts: filters, search, and fetch/pause/resume actions."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.services import audit_log

from .models import FetchAttempt, FilterRule, Item, Source, SourceStatus
from .services import source_claim_for_fetch

_ATTEMPT_FIELDS = (
    "started_at",
    "outcome",
    "http_status",
    "bytes_received",
    "duration_ms",
    "items_new",
    "items_updated",
    "error",
)


class FetchAttemptInline(admin.TabularInline):
    model = FetchAttempt
    extra = 0
    can_delete = False
    max_num = 0
    fields = _ATTEMPT_FIELDS
    readonly_fields = _ATTEMPT_FIELDS
    ordering = ["-started_at"]
    show_change_link = True

    def get_queryset(self, request):
        # Only the latest attempts: a busy source has thousands.
        ids = list(super().get_queryset(request).values_list("id", flat=True).order_by("-started_at")[:20])
        return super().get_queryset(request).filter(id__in=ids)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "workspace",
        "kind",
        "status",
        "trust",
        "fulltext",
        "last_fetched_at",
        "next_check_at",
        "item_count",
        "short_error",
    ]
    list_filter = ["status", "kind", "trust", "fulltext", "workspace", ("last_error", admin.EmptyFieldListFilter)]
    search_fields = ["name", "url", "site_url", "last_error"]
    list_select_related = ["workspace"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "last_fetched_at",
        "last_success_at",
        "last_new_item_at",
        "consecutive_failures",
        "last_error",
        "etag",
        "last_modified",
        "body_hash",
        "item_count",
        "claimed_until",
        "interval_seconds",
    ]
    raw_id_fields = ["created_by"]
    actions = ["fetch_now", "pause", "resume"]
    inlines = [FetchAttemptInline]
    date_hierarchy = "created_at"

    @admin.display(description=_("last error"))
    def short_error(self, obj: Source) -> str:
        return obj.last_error[:80]

    # Admin actions act as the staff user, who may not be a workspace member, so they skip the member
    # checks of the services (the admin is an operator tool) but claim and queue the same way.
    @admin.action(description=_("Fetch now"))
    def fetch_now(self, request, queryset):
        with transaction.atomic():
            claimed = [
                source.pk
                for source in queryset.select_related("workspace")
                if source_claim_for_fetch(source=source, actor=request.user, data={"via": "admin"})
            ]
        self.message_user(
            request,
            ngettext("%(n)d source queued for fetching.", "%(n)d sources queued for fetching.", len(claimed))
            % {"n": len(claimed)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Pause"))
    def pause(self, request, queryset):
        with transaction.atomic():
            n = queryset.update(status=SourceStatus.PAUSED, updated_at=timezone.now())
            for source in queryset:
                audit_log(actor=request.user, action="source.pause", target=source, data={"via": "admin"})
        self.message_user(request, ngettext("%(n)d source paused.", "%(n)d sources paused.", n) % {"n": n})

    @admin.action(description=_("Resume"))
    def resume(self, request, queryset):
        now = timezone.now()
        with transaction.atomic():
            n = queryset.update(status=SourceStatus.ACTIVE, next_check_at=now, consecutive_failures=0, updated_at=now)
            for source in queryset:
                audit_log(actor=request.user, action="source.resume", target=source, data={"via": "admin"})
        self.message_user(request, ngettext("%(n)d source resumed.", "%(n)d sources resumed.", n) % {"n": n})


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "source",
        "workspace",
        "published_at",
        "language",
        "engagement",
        "fulltext_status",
        "filter_reason",
        "muted_at",
        "duplicate_of",
    ]
    list_filter = [
        "language",
        "source__kind",
        "fulltext_status",
        "workspace",
        ("filtered_by", admin.RelatedOnlyFieldListFilter),
        ("filter_reason", admin.EmptyFieldListFilter),
        ("muted_at", admin.EmptyFieldListFilter),
        ("duplicate_of", admin.EmptyFieldListFilter),
    ]
    # "dropped by rule X" is findable: search the reason text
    search_fields = ["title", "canonical_url", "guid", "author", "filter_reason"]
    list_select_related = ["source", "workspace", "duplicate_of"]
    raw_id_fields = ["source", "duplicate_of", "filtered_by", "muted_by"]
    readonly_fields = ["fetched_at", "updated_at", "content_hash", "minhash", "signals", "engagement"]
    date_hierarchy = "published_at"


@admin.register(FetchAttempt)
class FetchAttemptAdmin(admin.ModelAdmin):
    list_display = [
        "source",
        "started_at",
        "outcome",
        "http_status",
        "bytes_received",
        "duration_ms",
        "items_new",
        "error",
    ]
    list_filter = ["outcome", "workspace"]
    search_fields = ["source__name", "source__url", "error"]
    list_select_related = ["source"]
    raw_id_fields = ["source"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False


@admin.register(FilterRule)
class FilterRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workspace", "source", "action", "field", "pattern", "enabled", "hits", "created_at"]
    list_filter = ["action", "field", "enabled", "workspace"]
    search_fields = ["name", "pattern", "source__name", "source__url"]
    list_select_related = ["workspace", "source"]
    raw_id_fields = ["source", "created_by"]
    readonly_fields = ["hits", "created_at", "updated_at"]
