from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrendsConfig(AppConfig):
    name = "apps.trends"
    label = "trends"
    verbose_name = _("Trends")

    def ready(self) -> None:
        from apps.sources.signals import items_ingested

        from .receivers import on_items_ingested

        items_ingested.connect(on_items_ingested, dispatch_uid="trends.on_items_ingested")
