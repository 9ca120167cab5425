from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Operations (each does nothing unless configured): metrics of every app, Celery task figures,
        # the request id into Celery tasks, OpenTelemetry (OTEL_*), Sentry (SENTRY_DSN).
        from . import (
            crypto,  # noqa: F401  (registers its database check: credentials and SECRET_KEY)
            metrics,
            ops_tasks,  # noqa: F401  (the scheduled backup task)
            telemetry,
            wiring,
        )

        wiring.install_beat_schedules()
        metrics.discover()
        metrics.connect_celery_signals()
        telemetry.setup()
