"""Template helpers for the Sources pages: server-rendered SVG charts and re-sanitized HTML."""

from __future__ import annotations

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..normalize import sanitize_html

register = template.Library()


@register.filter
def sanitized(value: str) -> str:
    """Stored HTML is already sanitized; cleaning it again on the way out costs little and means a
    row written by any other path can never put a script on the page."""
    return mark_safe(sanitize_html(value or ""))


@register.simple_tag
def items_chart(series, width: int = 640, height: int = 160):
    """A bar chart of (date, count) pairs as inline SVG, with a title per bar for the exact figure."""
    series = list(series or [])
    if not series:
        return ""
    top = max((n for _d, n in series), default=0) or 1
    gap = 4
    bar_w = max(2, (width - gap * (len(series) - 1)) / len(series))
    chart_h = height - 20
    bars = []
    for i, (day, n) in enumerate(series):
        h = 0 if n == 0 else max(2, round(chart_h * n / top))
        x = round(i * (bar_w + gap), 1)
        label = f"{date_format(day, 'SHORT_DATE_FORMAT')}: {n}"
        bars.append((x, chart_h - h, round(bar_w, 1), h, label))
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}</title></rect>',
        bars,
    )
    first, last = series[0][0], series[-1][0]
    return format_html(
        '<figure class="items-chart-figure"><svg class="items-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="{aria}" preserveAspectRatio="none">{rects}</svg>'
        '<figcaption class="axis"><span>{first}</span><span>{top_label}</span><span>{last}</span></figcaption></figure>',
        w=width,
        h=chart_h,
        aria=_("Items per day, highest %(top)s") % {"top": top},
        rects=rects,
        first=date_format(first, "SHORT_DATE_FORMAT"),
        top_label=_("busiest day: %(top)s items") % {"top": top},
        last=date_format(last, "SHORT_DATE_FORMAT"),
    )


@register.simple_tag
def sparkline(values, width: int = 120, height: int = 24):
    values = list(values or [])
    if not values:
        return ""
    top = max(values) or 1
    step = width / max(1, len(values) - 1)
    points = " ".join(
        f"{round(i * step, 1)},{round(height - 2 - (height - 4) * v / top, 1)}" for i, v in enumerate(values)
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" aria-label="{}">'
        '<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{}"/></svg>',
        width,
        height,
        width,
        height,
        _("%(total)s items in %(days)s days") % {"total": sum(values), "days": len(values)},
        points,
    )


@register.filter
def duration(seconds) -> str:
    try:
        seconds = int(seconds)
    except (TypeError, ValueError):
        return ""
    if seconds < 120:
        return _("%(n)s s") % {"n": seconds}
    if seconds < 7200:
        return _("%(n)s min") % {"n": seconds // 60}
    return _("%(n)s h") % {"n": round(seconds / 3600, 1)}
