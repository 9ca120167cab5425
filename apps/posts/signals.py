"""Signals other apps may receive without this app importing them.

post_transitioned is sent after the transaction that changed a post's state commits, with
post, user, action, from_state, to_state and the action's options (for example publish_at).
For work that must happen inside the same transaction, append a callable to
apps.posts.services.workflow.TRANSITION_HOOKS instead.

post_saved is sent after the transaction that created or changed a post commits, with post, user,
revision (or None), kind ("create" or "update") and body_changed (False when the text stayed).

post_live_body asks for a post's text as a live shared document holds it right now (with post);
a receiver returns the ProseMirror document, or None when the post has no live document. The
saved body lags behind live editing, so anchors, accepted suggestions and new revisions start
from this one (apps.posts.selectors.post_current_body).
"""

from django.dispatch import Signal

post_transitioned = Signal()
post_saved = Signal()
post_live_body = Signal()
