"""App wiring discovered from the installed apps (as Django's admin autodiscovery does), instead of
lists of labels kept by hand in config/: each app that has apps/<app>/<name>.py takes part."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.utils.module_loading import module_has_submodule


def app_modules(name: str) -> Iterator[ModuleType]:
    """Each project app's `name` module ("urls", "api.urls", "routing", "schedule"), in the order of
    INSTALLED_APPS."""
    for config in apps.get_app_configs():
        if config.name.startswith("apps.") and module_has_submodule(config.module, name):
            yield import_module(f"{config.name}.{name}")


def install_beat_schedules() -> None:
    """Every app's periodic tasks (apps/<app>/schedule.py BEAT_SCHEDULE, no model imports) into
    CELERY_BEAT_SCHEDULE, which beat copies into django-celery-beat's tables."""
    for module in app_modules("schedule"):
        # apps/core/schedule.py only builds the backup entry, which settings add themselves.
        settings.CELERY_BEAT_SCHEDULE.update(getattr(module, "BEAT_SCHEDULE", {}))
