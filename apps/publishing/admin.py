from django.contrib import admin

from .models import Channel, EngagementMetric, Publication, PublicationAttempt, Subscriber


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "platform",
        "workspace",
        "is_active",
        "needs_reconnect",
        "paused_at",
        "consecutive_failures",
        "last_error_at",
        "credentials_expire_at",
        "rate_per_minute",
    )
    list_filter = ("platform", "is_active", "needs_reconnect", ("paused_at", admin.EmptyFieldListFilter))
    search_fields = ("name", "last_error", "paused_reason")
    # The encrypted credentials are never shown; set them on the channel page or through the API.
    exclude = ("credentials_encrypted",)


class AttemptInline(admin.TabularInline):
    model = PublicationAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "started_at", "duration_ms", "outcome", "status_code", "message", "worker")


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("id", "post", "channel", "state", "due_at", "attempts", "published_at")
    list_filter = ("state", "channel__platform")
    search_fields = ("post__title", "platform_id", "idempotency_key")
    raw_id_fields = ("post", "channel", "created_by")
    readonly_fields = ("idempotency_key", "claimed_by", "claimed_until", "platform_id", "platform_url", "result")
    inlines = [AttemptInline]


@admin.register(EngagementMetric)
class EngagementMetricAdmin(admin.ModelAdmin):
    list_display = ("publication", "measured_at", "views", "likes", "reposts", "replies", "clicks")
    raw_id_fields = ("publication",)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "workspace", "unsubscribed_at", "created_at")
    list_filter = ("unsubscribed_at",)
    search_fields = ("email",)
