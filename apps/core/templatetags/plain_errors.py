"""{% load plain_errors %}{% plain_error source.last_error %}: the error in plain words, the original
text behind a "Technical detail" disclosure."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from apps.core.plain_errors import explain

register = template.Library()


@register.simple_tag
def plain_error(raw) -> str:
    words, detail = explain(str(raw) if raw is not None else "")
    if not detail:
        return format_html('<span class="error-plain">{}</span>', words)
    return format_html(
        '<span class="error-plain">{}</span> <details class="error-detail"><summary>{}</summary><code>{}</code></details>',
        words,
        gettext("Technical detail"),
        detail,
    )
