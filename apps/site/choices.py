"""The site's enumerations (shared by models, services and templates without an import circle)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HeadlineTestState(models.TextChoices):
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Winner applied")
    STOPPED = "stopped", _("Stopped")


class HeadlineTestMethod(models.TextChoices):
    ZTEST = "ztest", _("Two-proportion z-test (sequential: safe to watch)")
    BAYES = "bayes", _("Bayesian beta-binomial")
