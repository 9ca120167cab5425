from django.contrib import admin

from .models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("kind", "key", "recipient", "workspace", "count", "email", "emailed_at", "read_at", "last_at")
    list_filter = ("kind", "email", ("read_at", admin.EmptyFieldListFilter), "workspace")
    search_fields = ("key", "recipient__username", "recipient__email")
    raw_id_fields = ("recipient", "workspace")
    date_hierarchy = "last_at"


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email")
    list_filter = ("kind", "in_app", "email")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)
