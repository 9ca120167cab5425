from django.contrib import admin

from .models import AIProviderSettings, GenerationJob, PostTemplate, TokenUsage, VideoRender


@admin.register(AIProviderSettings)
class AIProviderSettingsAdmin(admin.ModelAdmin):
    list_display = ["workspace", "provider", "base_url", "model", "api_key_hint", "monthly_token_cap"]
    # The encrypted key is never shown or edited here: use the AI settings page or the API.
    exclude = ["api_key_encrypted"]
    readonly_fields = ["api_key_hint"]
    list_select_related = ["workspace"]


@admin.register(GenerationJob)
class GenerationJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "workspace",
        "kind",
        "format",
        "status",
        "provider",
        "model",
        "prompt_tokens",
        "completion_tokens",
        "cost",
        "attempts",
        "created_at",
    ]
    list_filter = ["status", "kind", "format", "provider"]
    search_fields = ["topic", "result_title", "error"]
    readonly_fields = [f.name for f in GenerationJob._meta.fields]
    list_select_related = ["workspace"]


@admin.register(TokenUsage)
class TokenUsageAdmin(admin.ModelAdmin):
    list_display = ["workspace", "month", "prompt_tokens", "completion_tokens", "cost", "jobs"]
    list_filter = ["month"]
    list_select_related = ["workspace"]


@admin.register(VideoRender)
class VideoRenderAdmin(admin.ModelAdmin):
    list_display = ["id", "workspace", "post", "aspect", "status", "progress", "duration_seconds", "size", "created_at"]
    list_filter = ["status", "aspect"]
    search_fields = ["post__title", "error"]
    readonly_fields = [f.name for f in VideoRender._meta.fields]
    list_select_related = ["workspace", "post"]


@admin.register(PostTemplate)
class PostTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "kind", "format", "updated_at"]
    list_filter = ["kind", "format"]
    search_fields = ["name", "description", "prompt"]
    list_select_related = ["workspace"]
