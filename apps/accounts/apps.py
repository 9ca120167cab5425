from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and workspaces")

    def ready(self):
        from .api import schema  # noqa: F401 - registers the OpenAPI extension for our token auth
