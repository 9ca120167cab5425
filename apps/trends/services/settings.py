"""Per-workspace ranking settings and topics: editorial knobs, changed by editors and admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput
from apps.core.services import audit_log
from apps.trends.clustering.text import tokenize
from apps.trends.models import Topic, Trend, TrendSettings, TrendStatus

from .assignment import trend_settings_for

EDITABLE = {
    "half_life_hours": (0.25, 24 * 14),
    "baseline_rate": (0.01, 1000.0),
    "velocity_weight": (0.0, 10.0),
    "diversity_weight": (0.0, 10.0),
    "signal_weight": (0.0, 10.0),
    "search_weight": (0.0, 10.0),
    "similarity_threshold": (0.05, 0.95),
    "merge_threshold": (0.1, 0.99),
    "window_hours": (1, 24 * 30),
}


def trend_settings_update(*, user: User, workspace: Workspace, **changes: Any) -> TrendSettings:
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if value is None:
            continue
        if name == "source_weights":
            try:
                clean[name] = {str(int(k)): float(v) for k, v in dict(value).items() if 0 <= float(v) <= 100}
            except (TypeError, ValueError):
                errors[name] = _("Give a weight between 0 and 100 for each source id.")
            continue
        if name not in EDITABLE:
            errors[name] = _("Unknown setting.")
            continue
        low, high = EDITABLE[name]
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[name] = _("Enter a number.")
            continue
        if not low <= number <= high:
            errors[name] = _("Must be between %(low)s and %(high)s.") % {"low": low, "high": high}
            continue
        clean[name] = int(number) if name == "window_hours" else number
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        settings = trend_settings_for(workspace_id=workspace.pk, lock=True)
        for name, value in clean.items():
            setattr(settings, name, value)
        settings.save()
        audit_log(actor=user, action="trends.settings_updated", workspace=workspace, data={k: clean[k] for k in clean})
    return settings


def topic_create(*, user: User, workspace: Workspace, name: str, keywords: list[str] | None = None) -> Topic:
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_SOURCES)
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": _("Give the topic a name.")})
    slug = slugify(name, allow_unicode=True)[:80] or "topic"
    if Topic.objects.filter(workspace=workspace, slug=slug).exists():
        raise Conflict(_("A topic with this name already exists."))
    words = [w.strip() for w in (keywords or []) if w and w.strip()][:50]
    with transaction.atomic():
        topic = Topic.objects.create(workspace=workspace, name=name[:80], slug=slug, keywords=words)
        topic_apply(topic=topic)
        audit_log(actor=user, action="trends.topic_created", target=topic)
    return topic


def topic_delete(*, user: User, topic: Topic) -> None:
    require_capability(user=user, workspace=topic.workspace, capability=Capability.MANAGE_SOURCES)
    with transaction.atomic():
        audit_log(actor=user, action="trends.topic_deleted", target=topic)
        topic.delete()


def topic_apply(*, topic: Topic, days: int = 30) -> int:
    """Tag the workspace's recent active trends that match a (new) topic; returns how many."""

    stems = set(tokenize(" ".join([topic.name, *map(str, topic.keywords or [])])))
    since = timezone.now() - dt.timedelta(days=days)
    matches = [
        pk
        for pk, title, keywords in Trend.objects.filter(
            workspace_id=topic.workspace_id, status=TrendStatus.ACTIVE, last_seen_at__gte=since
        ).values_list("pk", "title", "keywords")
        if stems & set(tokenize(" ".join([title, *map(str, keywords or [])])))
    ]
    Trend.topics.through.objects.bulk_create(
        [Trend.topics.through(trend_id=pk, topic_id=topic.pk) for pk in matches], ignore_conflicts=True
    )
    return len(matches)
