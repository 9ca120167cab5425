"""The Celery application; tasks are discovered in each app's tasks.py."""

import os

from celery import Celery
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("trendoscope")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The request id bound by the web request that queued a task is bound again in the worker (logs).
app.steps["worker"].add(DjangoStructLogInitStep)
