from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "apps.publishing"
    label = "publishing"
    verbose_name = _("Publishing")

    def ready(self):
        from .checks import check_expiring_credentials
        from .receivers import connect

        checks.register(check_expiring_credentials, "publishing")
        connect()
