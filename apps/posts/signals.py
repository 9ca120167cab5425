"""Signals other apps may receive without this app importing them.

post_transitioned is sent after the transaction that changed a post's state commits, with
post, user, action, from_state, to_state and the action's options (for example publish_at).
For work that must happen inside the same transaction, register a "transition" hook
(apps/posts/hooks.py) instead.

post_saved is sent after the transaction that created or changed a post commits, with post, user,
revision (or None), kind ("create" or "update") and body_changed (False when the text stayed).

post_saved also carries base_json: the document the new body was made from (None for a restore),
so a live document receives only what changed.

Asking a question of other apps (the live text of a post) is a hook, not a signal: apps/posts/hooks.py.
"""

from django.dispatch import Signal

post_transitioned = Signal()
post_saved = Signal()
