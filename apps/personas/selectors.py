"""Reads for personas, always scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import require_member
from apps.core.errors import NotFound

from .models import Persona, PersonaSample, StyleProfile
from .style import style_compare


def personas_for_workspace(*, user: User, workspace: Workspace) -> QuerySet[Persona, Persona]:
    require_member(user=user, workspace=workspace)
    personas: QuerySet[Persona, Persona] = Persona.objects.in_workspace(workspace)
    return (
        personas.select_related("style_profile").annotate(sample_total=Count("samples", distinct=True)).order_by("name")
    )


def persona_for_user(*, user: User, pk: int | str) -> Persona:
    """The persona if it belongs to one of the user's workspaces, else 404."""
    persona = Persona.objects.visible_to(user).select_related("workspace").filter(pk=pk).first()
    if persona is None:
        raise NotFound(_("Persona not found."))
    return persona


def persona_samples(*, persona: Persona) -> QuerySet[PersonaSample]:
    return persona.samples.select_related("created_by").order_by("-created_at", "-id")


def persona_profile(*, persona: Persona) -> StyleProfile | None:
    return StyleProfile.objects.filter(persona=persona).first()


def persona_style_match(*, persona: Persona | None, text: str) -> dict:
    """How close a draft is to the persona's learned style: score 0..100 and the measures that differ."""
    if persona is None:
        return {"score": None, "reasons": [_("No persona chosen.")]}
    profile = persona_profile(persona=persona)
    if profile is None:
        return {"score": None, "reasons": [_("The persona has no style profile yet: add sample texts.")]}
    return style_compare(profile=profile.metrics, phrases=profile.phrases, text=text)
