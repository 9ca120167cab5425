from django.contrib import admin

from .models import HeadlineTest, HeadlineVariant, TrackedLink


@admin.register(TrackedLink)
class TrackedLinkAdmin(admin.ModelAdmin):
    list_display = ("code", "workspace", "platform", "publication_id", "clicks", "last_click_at", "created_at")
    list_filter = ("platform", "workspace")
    search_fields = ("code", "target_url")
    readonly_fields = ("clicks", "last_click_at", "created_at")


class HeadlineVariantInline(admin.TabularInline):
    model = HeadlineVariant
    extra = 0
    readonly_fields = ("impressions", "clicks")


@admin.register(HeadlineTest)
class HeadlineTestAdmin(admin.ModelAdmin):
    list_display = ("original_title", "workspace", "state", "method", "confidence", "created_at")
    list_filter = ("state", "method", "workspace")
    search_fields = ("original_title", "variants__headline")
    raw_id_fields = ("page", "winner", "created_by")
    inlines = [HeadlineVariantInline]
