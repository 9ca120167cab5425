from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "apps.collaboration"
    label = "collaboration"
    verbose_name = _("Live editing")

    def ready(self) -> None:
        # The posts app must not know about live editing: it announces saves and transitions, and
        # asks for the live text through its "live_body" hook.
        from apps.posts import hooks, signals

        from .receivers import live_body_hook, post_saved_receiver, post_transitioned_receiver

        signals.post_saved.connect(post_saved_receiver, dispatch_uid="collab.post_saved")
        signals.post_transitioned.connect(post_transitioned_receiver, dispatch_uid="collab.post_transitioned")
        hooks.register("live_body", live_body_hook)
