"""Server-rendered SVG charts (no JavaScript needed): sparklines for the dashboard and the trend timeline."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def _points(values: list[float], width: float, height: float, pad: float = 2.0) -> list[tuple[float, float]]:
    if not values:
        return []
    top = max(values) or 1.0
    if len(values) == 1:
        values = [values[0], values[0]]
    step = (width - 2 * pad) / (len(values) - 1)
    return [(pad + n * step, height - pad - (v / top) * (height - 2 * pad)) for n, v in enumerate(values)]


def sparkline_svg(values: list[float], *, width: int = 120, height: int = 28, label: str = "") -> SafeString:
    points = _points(values, width, height)
    if not points:
        return format_html(
            '<svg class="sparkline empty" width="{}" height="{}" role="img" aria-label="{}"></svg>',
            width,
            height,
            _("No history yet"),
        )
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = f"{points[0][0]:.1f},{height} {line} {points[-1][0]:.1f},{height}"
    rising = len(values) > 1 and values[-1] >= values[0]
    last_x, last_y = points[-1]
    return mark_safe(
        f'<svg class="sparkline {"up" if rising else "down"}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label or _("Score history"))}">'
        f'<polygon class="area" points="{area}"/><polyline class="line" points="{line}"/>'
        f'<circle class="last" cx="{last_x:.1f}" cy="{last_y:.1f}" r="2"/></svg>'
    )


def timeline_svg(
    *, snapshots: list, buckets: list[tuple[dt.datetime, int]], width: int = 720, height: int = 220
) -> SafeString:
    """Bars: items per time bucket; line: the score snapshots. Both on the same time axis."""
    if not snapshots and not buckets:
        return format_html('<p class="muted">{}</p>', _("No history yet."))
    left, right, top, bottom = 40, 10, 10, 30
    inner_w, inner_h = width - left - right, height - top - bottom
    times = [s.taken_at for s in snapshots] + [b[0] for b in buckets]
    start, end = min(times), max(times)
    span = max((end - start).total_seconds(), 3600.0)

    def x_of(t: dt.datetime) -> float:
        return left + (t - start).total_seconds() / span * inner_w

    parts = [
        f'<svg class="timeline" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(_("Timeline: items per period and score"))}">',
        f'<line class="axis" x1="{left}" y1="{top + inner_h}" x2="{width - right}" y2="{top + inner_h}"/>',
    ]
    if buckets:
        peak = max(c for _t, c in buckets) or 1
        bar_w = max(inner_w / max(len(buckets), 1) - 1, 1)
        for t, count in buckets:
            if not count:
                continue
            h = count / peak * inner_h
            parts.append(
                f'<rect class="bar" x="{x_of(t):.1f}" y="{top + inner_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}">'
                f"<title>{escape(date_format(t, 'SHORT_DATETIME_FORMAT'))}: {count}</title></rect>"
            )
        parts.append(f'<text class="tick" x="{left - 4}" y="{top + 10}" text-anchor="end">{peak}</text>')
    if snapshots:
        peak_score = max(s.score for s in snapshots) or 1.0
        pts = " ".join(
            f"{x_of(s.taken_at):.1f},{top + inner_h - s.score / peak_score * inner_h:.1f}" for s in snapshots
        )
        parts.append(f'<polyline class="score" points="{pts}"/>')
    parts.append(
        f'<text class="tick" x="{left}" y="{height - 8}">{escape(date_format(start, "SHORT_DATETIME_FORMAT"))}</text>'
    )
    parts.append(
        f'<text class="tick" x="{width - right}" y="{height - 8}" text-anchor="end">'
        f"{escape(date_format(end, 'SHORT_DATETIME_FORMAT'))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))
