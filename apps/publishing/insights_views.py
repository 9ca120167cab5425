"""The "What works" page: best time per channel and the engagement forecast's quality."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from apps.accounts.selectors import request_membership
from apps.personas.models import Persona

from . import insights
from .models import Channel


@login_required
def insights_page(request):
    workspace = request_membership(request).workspace
    channels = list(Channel.objects.filter(workspace=workspace).order_by("name"))
    model = insights.model_for(workspace=workspace)
    best = insights.best_times_for(workspace=workspace, channels=channels)
    persona_names = dict(Persona.objects.filter(workspace=workspace).values_list("pk", "name"))
    factors = insights.effects(
        model=model,
        channel_names={c.pk: c.name for c in channels},
        persona_names={0: _("No persona"), **persona_names},
    )
    for factor in factors:
        factor.label = {"length": _("Twice as long"), "media": _("With media")}.get(factor.label, factor.label)
    return render(
        request,
        "publishing/insights.html",
        {
            "section": "publishing",
            "rows": [(c, best[c.pk]) for c in channels],
            "evaluation": model.evaluation,
            "factors": factors,
            "shrink": int(insights.SHRINK),
            "min_channel": insights.MIN_CHANNEL_HISTORY,
        },
    )
