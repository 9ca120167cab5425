"""{% publish_panel post %}: the publish panel the post page includes."""

from __future__ import annotations

from django import template
from django.utils import timezone

from apps.accounts.permissions import membership_for
from apps.accounts.roles import Capability

from ..insights import best_times_for
from ..models import Channel, Publication

register = template.Library()


def panel_context(*, request, post) -> dict:
    membership = membership_for(user=request.user, workspace=post.workspace_id)
    if membership is None:  # a guest the post was shared with sees no publishing details
        return {"post": post, "channels": [], "publications": [], "can_publish": False, "request": request}
    channels = list(Channel.objects.filter(workspace_id=post.workspace_id, is_active=True).order_by("name"))
    best = best_times_for(workspace=post.workspace, channels=channels)
    for channel in channels:
        channel.best_time = best[channel.pk]  # type: ignore[attr-defined]  # read by the panel template only
    return {
        "post": post,
        "channels": channels,
        "publications": Publication.objects.filter(post=post).select_related("channel").order_by("-due_at"),
        "can_publish": bool(membership and membership.can(Capability.PUBLISH)),
        "now_local": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "request": request,
    }


@register.inclusion_tag("publishing/_publish_panel.html", takes_context=True)
def publish_panel(context, post):
    ctx = panel_context(request=context["request"], post=post)
    ctx.update({"previews": [], "chosen_ids": [], "error": "", "csrf_token": context.get("csrf_token")})
    return ctx
