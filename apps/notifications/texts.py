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
    Kind.PUBLICATION_FAILED: gettext_lazy("“%(post)s” could not be published to %(channel)s"),
    Kind.PUBLICATION_UNCONFIRMED: gettext_lazy(
        "“%(post)s” may or may not have reached %(channel)s: check the platform and decide"
    ),
    Kind.CHANNEL_RECONNECT: gettext_lazy("The channel %(channel)s needs reconnecting"),
    Kind.SOURCE_FAILING: gettext_lazy("The source %(source)s has been failing for %(hours)s hours"),
    Kind.GENERATION_FAILED: gettext_lazy("A generation failed: %(topic)s"),
}
# What each parameter shows when the caller did not give it.
FALLBACKS = {"post": "?", "channel": "?", "source": "?", "hours": "?", "topic": "?"}


@dataclass(frozen=True)
class Rendered:
    title: str
    detail: str
    times: str


def _safe_params(params: dict) -> dict:
    merged = {**FALLBACKS, **{k: v for k, v in (params or {}).items() if isinstance(v, str | int | float)}}
    if not str(merged.get("topic", "")).strip():
        merged["topic"] = _("untitled")
    return merged


def render(notification: Notification) -> Rendered:
    """The notification's text in the active language."""
    params = _safe_params(notification.params)
    template = TITLES.get(notification.kind)
    title = str(template) % params if template is not None else notification.get_kind_display()
    detail = str(params.get("error") or params.get("reason") or "")
    times = (
        ngettext("%(n)s time", "%(n)s times", notification.count) % {"n": notification.count}
        if notification.count > 1
        else ""
    )
    return Rendered(title=title, detail=detail, times=times)


def render_for(notification: Notification, *, language: str) -> Rendered:
    with translation.override(language or "en"):
        return render(notification)
