from django.contrib import admin

from .models import Persona, PersonaSample, StyleProfile


class SampleInline(admin.StackedInline):
    model = PersonaSample
    extra = 0
    fields = ["title", "text", "source_url"]


@admin.register(Persona)
class PersonaAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "language", "audience", "updated_at"]
    list_filter = ["language", "workspace"]
    search_fields = ["name", "description", "voice"]
    inlines = [SampleInline]
    list_select_related = ["workspace"]


@admin.register(StyleProfile)
class StyleProfileAdmin(admin.ModelAdmin):
    list_display = ["persona", "sample_count", "post_count", "word_count", "computed_at"]
    readonly_fields = ["persona", "metrics", "phrases", "sample_count", "post_count", "word_count", "computed_at"]
    list_select_related = ["persona"]
