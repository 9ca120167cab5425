"""{% refine_panel post %}: the post editor's side panel for refining the draft in a conversation with the
AI (and dictating into it)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from apps.posts.access import post_access

from ..selectors import ai_settings_for
from ..services_studio import dictation_status

register = template.Library()

# One-click requests; the offline engine understands the first four, a model any of them.
QUICK_REQUESTS = [
    _("Make it shorter"),
    _("Split long sentences"),
    _("Remove repetition"),
    _("Lead with the strongest paragraph"),
    _("More formal"),
    _("Make the intro punchier"),
    _("Add a quote from the second source"),
    _("Translate to Russian"),
]


@register.inclusion_tag("generation/_refine_panel.html", takes_context=True)
def refine_panel(context, post):
    request = context["request"]
    access = context.get("access") or post_access(user=request.user, post=post)  # the post page has it
    if not access.can_edit:
        return {"can_edit": False}
    ai = ai_settings_for(workspace=post.workspace_id)
    can_dictate, dictation_reason = dictation_status(ai_settings=ai)
    return {
        "post": post,
        "can_edit": access.can_edit,
        "has_model": bool(ai and ai.provider == "openai"),
        "quick_requests": QUICK_REQUESTS,
        "can_dictate": can_dictate,
        "dictation_reason": dictation_reason,
    }
