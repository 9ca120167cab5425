from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "apps.collaboration"
    label = "collaboration"
    verbose_name = _("Live editing")

    def ready(self) -> None:
        # The posts app must not know about live editing: it announces saves and transitions.
        try:
            from apps.posts import signals
        except ImportError:  # the posts app has not shipped its signals yet
            return

        from .receivers import post_live_body_receiver, post_saved_receiver, post_transitioned_receiver

        signals.post_saved.connect(post_saved_receiver, dispatch_uid="collab.post_saved")
        signals.post_transitioned.connect(post_transitioned_receiver, dispatch_uid="collab.post_transitioned")
        signals.post_live_body.connect(post_live_body_receiver, dispatch_uid="collab.post_live_body")
