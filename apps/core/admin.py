from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "actor", "action", "target_repr"]
    list_filter = ["action", "workspace", "created_at"]
    search_fields = ["action", "target_repr", "actor__username"]
    list_select_related = ["workspace", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
