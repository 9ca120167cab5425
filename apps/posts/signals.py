"""Signals other apps may receive without this app importing them.

post_transitioned is sent after the transaction that changed a post's state commits, with
post, user, action, from_state, to_state and the action's options (for example publish_at).
For work that must happen inside the same transaction, append a callable to
apps.posts.services.workflow.TRANSITION_HOOKS instead.
"""

from django.dispatch import Signal

post_transitioned = Signal()
post_saved = Signal()
