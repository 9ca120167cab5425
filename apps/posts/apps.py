from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "apps.posts"
    label = "posts"
    verbose_name = _("Posts")

    def ready(self) -> None:
        # Membership, share and state changes reach open websockets (access_events.py).
        from .access_events import connect  # models are loaded only once the registry is ready

        connect()

        # An e-mail share reaches whoever verifies the address later (receivers.py).
        from .receivers import connect as connect_receivers

        connect_receivers()
