"""Signal receivers (connected in CollaborationConfig.ready): they only call a service."""

from __future__ import annotations

from .services import document_live_body, on_post_saved, on_post_transitioned


def post_saved_receiver(sender, *, post, user=None, body_changed: bool = True, base_json=None, **kwargs) -> None:
    on_post_saved(post=post, user=user, body_changed=body_changed, base_json=base_json)


def live_body_hook(*, post, **kwargs) -> dict | None:
    return document_live_body(post_id=post.pk)


def post_transitioned_receiver(sender, *, post, **kwargs) -> None:
    on_post_transitioned(post=post)
