from django import template

from ..selectors import unread_count
from ..texts import render

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_alerts(context) -> int:
    request = context.get("request")
    return unread_count(user=getattr(request, "user", None))


@register.filter
def rendered(notification):
    return render(notification)
