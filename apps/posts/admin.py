"""Admin for posts: state filters, revisions inline, workflow actions that go through the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin

from apps.core.errors import Conflict

from . import services
from .models import Approval, Comment, Post, PostsSettings, Revision, Suggestion


class RevisionInline(admin.TabularInline):
    model = Revision
    extra = 0
    can_delete = False
    fields = ("number", "title", "author", "reason", "created_at")
    readonly_fields = fields
    ordering = ("-number",)
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    fields = ("author", "body", "anchor_quote", "parent", "resolved_at")
    readonly_fields = ("author", "anchor_quote", "parent", "resolved_at")
    fk_name = "post"


def _workflow_action(action: str, label):
    def run(modeladmin, request, queryset):
        done = 0
        for post in queryset:
            try:
                services.post_transition(post=post, user=request.user, action=action)
                done += 1
            except (PermissionDenied, ValidationError, Conflict) as exc:
                message = getattr(exc, "message", None) or "; ".join(getattr(exc, "messages", [])) or str(exc)
                modeladmin.message_user(request, f"{post}: {message}", messages.WARNING)
        if done:
            modeladmin.message_user(request, _("%(n)s post(s) updated.") % {"n": done}, messages.SUCCESS)

    run.__name__ = f"workflow_{action}"
    return admin.action(description=label)(run)


@admin.register(Post)
class PostAdmin(GuardedModelAdminMixin, admin.ModelAdmin):  # type: ignore[misc]  # both set change_form_template
    list_display = ("title", "workspace", "state", "author", "assignee", "due_at", "version", "updated_at")
    list_filter = ("state", "workspace", "language")
    search_fields = ("title", "body_text")
    date_hierarchy = "updated_at"
    list_select_related = ("workspace", "author", "assignee")
    raw_id_fields = ("author", "assignee", "persona", "trend", "featured_media")
    # State, body and version change only through the services (workflow actions, the editor, the API).
    readonly_fields = ("state", "version", "review_round", "body_html", "body_text", "published_at", "scheduled_at")
    exclude = ("body_json",)
    inlines = [RevisionInline, CommentInline]
    actions = [_workflow_action(action, t.label) for action, t in services.TRANSITIONS.items()]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ("post", "number", "author", "reason", "created_at")
    search_fields = ("post__title", "reason")
    list_select_related = ("post", "author")
    readonly_fields = ("post", "number", "title", "body_json", "body_html", "body_text", "excerpt", "author", "reason")

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("post", "author", "anchor_quote", "replacement", "state", "created_at")
    list_filter = ("state",)
    list_select_related = ("post", "author")
    raw_id_fields = ("post", "author", "decided_by")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("post", "author", "body", "parent", "resolved_at", "created_at")
    list_filter = ("resolved_at",)
    list_select_related = ("post", "author")
    raw_id_fields = ("post", "parent", "author", "resolved_by", "mentions")


admin.site.register(PostsSettings)
admin.site.register(
    Approval, list_display=("post", "user", "review_round", "created_at"), raw_id_fields=("post", "user")
)
