from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Topic, Trend, TrendItem, TrendSettings, TrendSnapshot, TrendStatus
from .services import items_assign_to_trends, trends_rank


class TrendItemInline(admin.TabularInline):
    model = TrendItem
    extra = 0
    fields = ["item", "domain", "published_at", "similarity", "counted"]
    readonly_fields = ["item", "domain", "published_at", "similarity", "counted"]
    raw_id_fields = ["item"]
    show_change_link = False
    max_num = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item")


@admin.register(Trend)
class TrendAdmin(admin.ModelAdmin):
    list_display = ["title", "workspace", "status", "score", "item_count", "source_count", "language", "last_seen_at"]
    list_filter = ["status", "language", "workspace", "topics", ("last_seen_at", admin.DateFieldListFilter)]
    search_fields = ["title", "summary", "keywords"]
    readonly_fields = [
        "score",
        "decay",
        "velocity",
        "diversity",
        "rate_last_hour",
        "ranked_at",
        "item_count",
        "duplicate_count",
        "source_count",
        "domain_count",
        "first_seen_at",
        "last_seen_at",
        "merged_into",
        "centroid",
        "created_at",
        "updated_at",
    ]
    filter_horizontal = ["topics"]
    list_select_related = ["workspace"]
    inlines = [TrendItemInline]
    actions = ["archive", "reactivate", "rerank"]
    date_hierarchy = "last_seen_at"

    @admin.action(description=_("Archive selected trends"))
    def archive(self, request, queryset: QuerySet):
        n = queryset.filter(status=TrendStatus.ACTIVE).update(status=TrendStatus.ARCHIVED, score=0.0)
        self.message_user(request, ngettext("%d trend archived.", "%d trends archived.", n) % n, messages.SUCCESS)

    @admin.action(description=_("Reactivate selected trends"))
    def reactivate(self, request, queryset: QuerySet):
        n = queryset.filter(status=TrendStatus.ARCHIVED).update(status=TrendStatus.ACTIVE)
        self.message_user(request, ngettext("%d trend reactivated.", "%d trends reactivated.", n) % n, messages.SUCCESS)

    @admin.action(description=_("Recompute scores of the selected trends' workspaces"))
    def rerank(self, request, queryset: QuerySet):
        for workspace_id in set(queryset.values_list("workspace_id", flat=True)):
            trends_rank(workspace_id=workspace_id)
        self.message_user(request, _("Scores recomputed."), messages.SUCCESS)


@admin.register(TrendItem)
class TrendItemAdmin(admin.ModelAdmin):
    list_display = ["item", "trend", "domain", "published_at", "similarity", "counted"]
    list_filter = ["counted", "workspace"]
    search_fields = ["item__title", "trend__title", "domain"]
    raw_id_fields = ["item", "trend"]
    list_select_related = ["item", "trend"]
    actions = ["recluster"]

    @admin.action(description=_("Detach and cluster the selected items again"))
    def recluster(self, request, queryset: QuerySet):
        by_workspace: dict[int, list[int]] = {}
        for workspace_id, item_id in queryset.values_list("workspace_id", "item_id"):
            by_workspace.setdefault(workspace_id, []).append(item_id)
        queryset.delete()
        for workspace_id, item_ids in by_workspace.items():
            items_assign_to_trends(workspace_id=workspace_id, item_ids=item_ids)
        self.message_user(request, _("Items clustered again."), messages.SUCCESS)


@admin.register(TrendSnapshot)
class TrendSnapshotAdmin(admin.ModelAdmin):
    list_display = ["trend", "taken_at", "score", "item_count", "source_count", "rate_last_hour"]
    list_filter = [("taken_at", admin.DateFieldListFilter)]
    search_fields = ["trend__title"]
    raw_id_fields = ["trend"]
    list_select_related = ["trend"]
    date_hierarchy = "taken_at"


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "workspace"]
    list_filter = ["workspace"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TrendSettings)
class TrendSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "workspace",
        "half_life_hours",
        "velocity_weight",
        "diversity_weight",
        "similarity_threshold",
        "window_hours",
    ]
    search_fields = ["workspace__name"]
    exclude = ["document_frequencies"]
    readonly_fields = ["document_count", "updated_at"]
