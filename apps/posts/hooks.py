"""The one way other apps extend the posts app without it importing them (as Wagtail's hooks): a
named list of callables, registered in the other app's AppConfig.ready().

- "live_body": fn(post=) -> the post's document as a live shared document holds it right now, or
  None. The first answer that is not None wins (apps.posts.selectors.post_live_document).
- "transition": fn(post=, user=, action=, from_state=, to_state=, options=), run inside the
  transaction of a workflow change; an exception rolls the change back.

Signals (posts/signals.py) stay for telling other apps, after commit, what happened."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HOOK_NAMES = ("live_body", "transition")
_hooks: dict[str, list[Callable[..., Any]]] = {name: [] for name in HOOK_NAMES}


def register(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add fn to the named hook (once; registering it again changes nothing)."""
    if name not in _hooks:
        raise ValueError(f"unknown posts hook {name!r}; known: {', '.join(HOOK_NAMES)}")
    if fn not in _hooks[name]:
        _hooks[name].append(fn)
    return fn


def unregister(name: str, fn: Callable[..., Any]) -> None:
    if fn in _hooks.get(name, []):
        _hooks[name].remove(fn)


def get_hooks(name: str) -> list[Callable[..., Any]]:
    return list(_hooks[name])
