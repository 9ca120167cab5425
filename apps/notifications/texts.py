"""A notification's words, rendered when it is read (in the page's language, or the recipient's for
e-mail), from the kind and the parameters stored on the row. Parameters are names and figures, never
sentences, so a Russian reader sees Russian whatever the language of whoever caused the event."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .models import Kind, Notification

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

TITLES: dict[str, StrPromise] = {
    Kind.POST_ASSIGNED: gettext_lazy("%(actor)s assigned you “%(title)s”"),
    Kind.POST_SHARED: gettext_lazy("%(actor)s shared “%(title)s” with you as %(level)s"),
    Kind.POST_MENTION: gettext_lazy("%(actor)s mentioned you on “%(title)s”"),
    Kind.POST_COMMENT: gettext_lazy("%(actor)s commented on “%(title)s”"),
    Kind.POST_REPLY: gettext_lazy("%(actor)s replied on “%(title)s”"),
    Kind.POST_SUGGESTION: gettext_lazy("%(actor)s suggested a change to “%(title)s”"),
    Kind.SUGGESTION_ACCEPTED: gettext_lazy("%(actor)s accepted your suggestion on “%(title)s”"),
    Kind.SUGGESTION_REJECTED: gettext_lazy("%(actor)s rejected your suggestion on “%(title)s”"),
    Kind.REVIEW_REQUESTED: gettext_lazy("%(actor)s submitted “%(title)s” for review"),
    Kind.CHANGES_REQUESTED: gettext_lazy("%(actor)s requested changes to “%(title)s”"),
    Kind.POST_APPROVED: gettext_lazy("%(actor)s approved “%(title)s”"),
    Kind.REVIEW_REOPENED: gettext_lazy("%(actor)s changed the approved “%(title)s”: it needs a new review"),
    Kind.POST_SCHEDULED: gettext_lazy("%(actor)s scheduled “%(title)s”"),
    Kind.POST_PUBLISHED: gettext_lazy("%(actor)s published “%(title)s”"),
    Kind.POST_UNPUBLISHED: gettext_lazy("%(actor)s unpublished “%(title)s”"),
    Kind.POST_ARCHIVED: gettext_lazy("%(actor)s archived “%(title)s”"),
    Kind.POST_TO_DRAFT: gettext_lazy("%(actor)s moved “%(title)s” back to draft"),
    Kind.PUBLICATION_FAILED: gettext_lazy("“%(post)s” could not be published to %(channel)s"),
    Kind.PUBLICATION_UNCONFIRMED: gettext_lazy(
        "“%(post)s” may or may not have reached %(channel)s: check the platform and decide"
    ),
    Kind.CHANNEL_RECONNECT: gettext_lazy("The channel %(channel)s needs reconnecting"),
    Kind.SOURCE_FAILING: gettext_lazy("The source %(source)s has been failing for %(hours)s hours"),
    Kind.GENERATION_FAILED: gettext_lazy("A generation failed: %(topic)s"),
}
# The same event told without a person: the system did it (a scheduled post published on time).
SYSTEM_TITLES: dict[str, StrPromise] = {
    Kind.POST_PUBLISHED: gettext_lazy("“%(title)s” was published as scheduled"),
}
# An approval that still waits for more reviewers says how many there are.
PARTIAL_APPROVAL = gettext_lazy("%(actor)s approved “%(title)s” (%(approvals)s of %(required)s approvals)")
SHARE_LEVELS: dict[str, StrPromise] = {
    "viewer": gettext_lazy("a viewer"),
    "commenter": gettext_lazy("a commenter"),
    "editor": gettext_lazy("an editor"),
}
SUGGESTED = gettext_lazy("“%(old)s” → “%(new)s”")
# What each parameter shows when the caller did not give it.
FALLBACKS = {"post": "?", "channel": "?", "source": "?", "hours": "?", "topic": "?", "level": "?"}


@dataclass(frozen=True)
class Rendered:
    title: str
    detail: str
    times: str


def _safe_params(params: dict) -> dict:
    merged = {**FALLBACKS, **{k: v for k, v in (params or {}).items() if isinstance(v, str | int | float)}}
    for name in ("topic", "title"):
        if not str(merged.get(name, "")).strip():
            merged[name] = _("untitled")
    if not str(merged.get("actor", "")).strip():
        merged["actor"] = _("Someone")
    if merged["level"] in SHARE_LEVELS:
        merged["level"] = str(SHARE_LEVELS[merged["level"]])
    return merged


def _title_template(notification: Notification) -> StrPromise | None:
    stored = notification.params or {}
    if notification.kind in SYSTEM_TITLES and not str(stored.get("actor") or "").strip():
        return SYSTEM_TITLES[notification.kind]
    approvals, required = stored.get("approvals"), stored.get("required")
    if notification.kind == Kind.POST_APPROVED and isinstance(approvals, int) and isinstance(required, int):
        return PARTIAL_APPROVAL if approvals < required else TITLES[Kind.POST_APPROVED]
    return TITLES.get(notification.kind)


def _detail(notification: Notification, params: dict) -> str:
    if notification.kind == Kind.POST_SUGGESTION and "old" in params:
        return str(SUGGESTED) % {"old": params["old"], "new": params.get("new", "")}
    for name in ("excerpt", "note", "error", "reason"):
        if str(params.get(name) or "").strip():
            return str(params[name])
    return ""


def render(notification: Notification) -> Rendered:
    """The notification's text in the active language."""
    params = _safe_params(notification.params)
    template = _title_template(notification)
    title = str(template) % params if template is not None else notification.get_kind_display()
    times = (
        ngettext("%(n)s time", "%(n)s times", notification.count) % {"n": notification.count}
        if notification.count > 1
        else ""
    )
    return Rendered(title=title, detail=_detail(notification, params), times=times)


def render_for(notification: Notification, *, language: str) -> Rendered:
    with translation.override(language or "en"):
        return render(notification)
