"""Signal receivers (connected in CollaborationConfig.ready): they only call a service."""

from __future__ import annotations

from .services import on_post_saved, on_post_transitioned


def post_saved_receiver(sender, *, post, user=None, kind: str = "", **kwargs) -> None:
    on_post_saved(post=post, user=user, kind=kind)


def post_transitioned_receiver(sender, *, post, **kwargs) -> None:
    on_post_transitioned(post=post)
