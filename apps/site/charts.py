"""The A/B page's chart: each headline's click-through with its 95 % Wilson interval, as server-rendered
SVG (no script needed, readable by screen readers through its title and the table beside it)."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def wilson(clicks: int, impressions: int, z: float = 1.96) -> tuple[float, float]:
    if not impressions:
        return 0.0, 0.0
    p = clicks / impressions
    denom = 1 + z * z / impressions
    centre = (p + z * z / (2 * impressions)) / denom
    half = z * math.sqrt(p * (1 - p) / impressions + z * z / (4 * impressions * impressions)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def ctr_chart_svg(
    rows: list[tuple[str, int, int]], *, title: str, width: int = 640, bar_height: int = 30
) -> SafeString:
    """rows: (label, impressions, clicks)."""
    if not rows:
        return mark_safe("")
    label_w, right = 250, 70
    highs = [wilson(c, i)[1] for _, i, c in rows]
    peak = max([*highs, *(c / i if i else 0 for _, i, c in rows), 0.01])
    scale = (width - label_w - right) / peak
    height = bar_height * len(rows) + 10
    leader = max(range(len(rows)), key=lambda k: rows[k][2] / rows[k][1] if rows[k][1] else 0.0)
    out = [
        f'<svg class="chart ab-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for n, (label, impressions, clicks) in enumerate(rows):
        y = n * bar_height + 5
        rate = clicks / impressions if impressions else 0.0
        low, high = wilson(clicks, impressions)
        short = label if len(label) <= 32 else label[:31] + "…"
        w = max(1, int(rate * scale))
        out.append(
            f'<text x="0" y="{y + 18}" class="chart-label" font-size="12" fill="#1d2433">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{w}" height="{bar_height - 12}" rx="3" class="chart-bar" '
            f'fill="{"#3b5bdb" if n == leader else "#a5b4fc"}"/>'
            f'<line x1="{label_w + low * scale:.1f}" x2="{label_w + high * scale:.1f}" y1="{y + 14}" y2="{y + 14}" '
            f'class="chart-interval" stroke="#1d2433" stroke-width="1.5"/>'
            f'<text x="{label_w + max(w, high * scale) + 6:.1f}" y="{y + 18}" class="chart-value" font-size="12" '
            f'fill="#1d2433">{rate:.1%}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))
