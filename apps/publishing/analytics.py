"""Engagement: polling the platforms, per-post/channel/persona summaries and server-rendered SVG charts
(the best time to post and the forecast are in insights.py)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .adapters import ADAPTERS, DeliveryError, adapter_for
from .http import shared_http
from .models import EngagementMetric, Publication, PublicationState
from .selectors import publications_with_engagement

log = logging.getLogger(__name__)


def metrics_poll_due(*, limit: int = 200) -> int:
    """Poll engagement for recent publications on platforms that expose it: every 15 minutes during the
    first day, every 6 hours up to 30 days."""
    now = timezone.now()
    platforms = [p for p, cls in ADAPTERS.items() if cls.has_metrics]
    due = (
        Publication.objects.filter(
            state=PublicationState.PUBLISHED,
            channel__platform__in=platforms,
            published_at__gte=now - dt.timedelta(days=30),
        )
        .filter(
            Q(metrics_polled_at__isnull=True)
            | Q(published_at__gte=now - dt.timedelta(days=1), metrics_polled_at__lt=now - dt.timedelta(minutes=15))
            | Q(metrics_polled_at__lt=now - dt.timedelta(hours=6))
        )
        .select_related("channel")
        .order_by("metrics_polled_at")[:limit]
    )
    adapters: dict = {}
    polled = 0
    for publication in due:
        adapter = adapters.get(publication.channel_id) or adapter_for(publication.channel, http=shared_http())
        adapters[publication.channel_id] = adapter
        try:
            figures = adapter.metrics(publication=publication)
        except DeliveryError as exc:
            log.info("metrics for publication %s: %s", publication.pk, exc.message)
            figures = None
        if figures is not None:
            EngagementMetric.objects.create(
                publication=publication,
                measured_at=now,
                views=figures.views,
                likes=figures.likes,
                reposts=figures.reposts,
                replies=figures.replies,
                clicks=figures.clicks,
            )
            polled += 1
        Publication.objects.filter(pk=publication.pk).update(metrics_polled_at=now)
    return polled


@dataclass
class Totals:
    label: str
    publications: int = 0
    views: int = 0
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    clicks: int = 0

    @property
    def engagement(self) -> int:
        return self.likes + self.reposts + self.replies + self.clicks


def _engagement(p) -> int:
    return (p.m_likes or 0) + (p.m_reposts or 0) + (p.m_replies or 0) + (p.m_clicks or 0)


def analytics_summary(*, workspace, days: int = 30) -> dict:
    since = timezone.now() - dt.timedelta(days=days)
    rows = list(publications_with_engagement(workspace=workspace, since=since))
    groups: dict[str, dict] = {"post": {}, "channel": {}, "persona": {}}
    daily: dict[dt.date, int] = defaultdict(int)
    for p in rows:
        keys = {
            "post": (p.post_id, p.post.title),
            "channel": (p.channel_id, p.channel.name),
            "persona": (p.post.persona_id or 0, p.post.persona.name if p.post.persona is not None else _("No persona")),
        }
        for kind, (key, label) in keys.items():
            totals = groups[kind].setdefault(key, Totals(label=label))
            totals.publications += 1
            totals.views += p.m_views or 0
            totals.likes += p.m_likes or 0
            totals.reposts += p.m_reposts or 0
            totals.replies += p.m_replies or 0
            totals.clicks += p.m_clicks or 0
        daily[timezone.localtime(p.published_at).date()] += _engagement(p)
    ordered = {
        kind: sorted(g.values(), key=lambda t: (-t.engagement, -t.publications))[:12] for kind, g in groups.items()
    }
    today = timezone.localdate()
    series = [
        (today - dt.timedelta(days=i), daily.get(today - dt.timedelta(days=i), 0)) for i in range(days - 1, -1, -1)
    ]
    return {
        "publications": len(rows),
        "engagement": sum(_engagement(p) for p in rows),
        "views": sum(p.m_views or 0 for p in rows),
        "by_post": ordered["post"],
        "by_channel": ordered["channel"],
        "by_persona": ordered["persona"],
        "daily": series,
        "rows": rows,
    }


WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]
# --- SVG charts (server-rendered, no JavaScript needed) ------------------------------------------


def bar_chart_svg(items: list[tuple[str, int]], *, title: str, width: int = 560, bar_height: int = 22) -> SafeString:
    if not items:
        return mark_safe("")
    label_w = 180
    peak = max(v for _, v in items) or 1
    height = bar_height * len(items) + 10
    out = [
        f'<svg class="chart bar-chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = i * bar_height + 5
        w = int((width - label_w - 60) * value / peak)
        short = label if len(label) <= 28 else label[:27] + "…"
        out.append(
            f'<text x="0" y="{y + 15}" class="chart-label">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1)}" height="{bar_height - 8}" rx="3" class="chart-bar"/>'
            f'<text x="{label_w + max(w, 1) + 6}" y="{y + 15}" class="chart-value">{value}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))


def line_chart_svg(series: list[tuple[dt.date, int]], *, title: str, width: int = 560, height: int = 160) -> SafeString:
    if not series:
        return mark_safe("")
    pad = 28
    peak = max(v for _, v in series) or 1
    step = (width - 2 * pad) / max(1, len(series) - 1)
    points = [(pad + i * step, height - pad - (height - 2 * pad) * value / peak) for i, (_, value) in enumerate(series)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    first, last = series[0][0], series[-1][0]
    return mark_safe(
        f'<svg class="chart line-chart" role="img" viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" class="chart-axis"/>'
        f'<polyline points="{path}" class="chart-line" fill="none"/>'
        f'<text x="{pad}" y="{height - 8}" class="chart-label">{first:%d %b}</text>'
        f'<text x="{width - pad}" y="{height - 8}" text-anchor="end" class="chart-label">{last:%d %b}</text>'
        f'<text x="{pad}" y="{pad - 10}" class="chart-label">{peak}</text>'
        "</svg>"
    )
