"""Writes for personas: create, edit, delete, sample texts and learning the style profile."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User, Workspace
from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput
from apps.core.services import audit_log

from .models import Persona, PersonaSample, StyleProfile
from .style import characteristic_phrases, style_measure

PERSONA_FIELDS = (
    "name",
    "description",
    "voice",
    "audience",
    "language",
    "topics",
    "rules_always",
    "rules_never",
    "color",
)
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Enough text to learn from, not so much that a refresh becomes slow.
MAX_PROFILE_POSTS = 50
MAX_SAMPLE_CHARS = 50_000


def _clean_list(value: str | Iterable[object] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.splitlines()
    return [str(v).strip()[:300] for v in value if str(v).strip()][:50]


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in data.items() if k in PERSONA_FIELDS}
    for key in ("topics", "rules_always", "rules_never"):
        if key in cleaned:
            cleaned[key] = _clean_list(cleaned[key])
    if "color" in cleaned:
        cleaned["color"] = str(cleaned["color"] or "").strip().lower()
        if cleaned["color"] and not COLOR_RE.match(cleaned["color"]):
            raise InvalidInput({"color": [_("A colour like #1f6feb.")]})
    if "name" in cleaned:
        cleaned["name"] = str(cleaned["name"]).strip()
        if not cleaned["name"]:
            raise InvalidInput({"name": [_("A persona needs a name.")]})
    return cleaned


def persona_create(*, user: User, workspace: Workspace, data: dict[str, Any]) -> Persona:
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_PERSONAS)
    cleaned = _clean(data)
    if Persona.objects.filter(workspace=workspace, name=cleaned.get("name", "")).exists():
        raise Conflict(_("A persona with this name already exists."))
    with transaction.atomic():
        persona = Persona.objects.create(workspace=workspace, created_by=user, **cleaned)
        audit_log(actor=user, action="persona.create", target=persona)
    return persona


def persona_update(*, user: User, persona: Persona, data: dict[str, Any]) -> Persona:
    require_capability(user=user, workspace=persona.workspace_id, capability=Capability.MANAGE_PERSONAS)
    cleaned = _clean(data)
    if "name" in cleaned and (
        Persona.objects.filter(workspace_id=persona.workspace_id, name=cleaned["name"]).exclude(pk=persona.pk).exists()
    ):
        raise Conflict(_("A persona with this name already exists."))
    changed = [k for k, v in cleaned.items() if getattr(persona, k) != v]
    if not changed:
        return persona
    with transaction.atomic():
        for key in changed:
            setattr(persona, key, cleaned[key])
        persona.save(update_fields=[*changed, "updated_at"])
        audit_log(actor=user, action="persona.update", target=persona, data={"fields": changed})
    return persona


def persona_delete(*, user: User, persona: Persona) -> None:
    require_capability(user=user, workspace=persona.workspace_id, capability=Capability.MANAGE_PERSONAS)
    with transaction.atomic():
        audit_log(actor=user, action="persona.delete", target=persona)
        persona.delete()


def persona_sample_add(
    *, user: User, persona: Persona, text: str, title: str = "", source_url: str = ""
) -> PersonaSample:
    require_capability(user=user, workspace=persona.workspace_id, capability=Capability.MANAGE_PERSONAS)
    text = (text or "").strip()
    if not text:
        raise InvalidInput({"text": [_("A sample needs some text.")]})
    if len(text) > MAX_SAMPLE_CHARS:
        raise InvalidInput({"text": [_("A sample is limited to %(n)s characters.") % {"n": MAX_SAMPLE_CHARS}]})
    with transaction.atomic():
        sample = PersonaSample.objects.create(
            persona=persona, text=text, title=title.strip()[:300], source_url=source_url, created_by=user
        )
        audit_log(actor=user, action="persona.sample_add", target=persona, data={"sample": sample.pk})
        persona_style_learn(persona=persona)
    return sample


def persona_sample_delete(*, user: User, sample: PersonaSample) -> None:
    persona = sample.persona
    require_capability(user=user, workspace=persona.workspace_id, capability=Capability.MANAGE_PERSONAS)
    with transaction.atomic():
        audit_log(actor=user, action="persona.sample_delete", target=persona, data={"sample": sample.pk})
        sample.delete()
        persona_style_learn(persona=persona)


def persona_style_learn(*, persona: Persona) -> StyleProfile:
    """(Re)learn the style profile from the samples and the persona's published posts."""
    samples = list(persona.samples.values_list("text", flat=True))
    # Through the reverse relation (Post.persona, related_name="posts"): personas stand below posts.
    posts = list(
        persona.posts.filter(state="published")  # PostState.PUBLISHED, which lives a floor up
        .order_by("-published_at", "-id")
        .values_list("body_text", flat=True)[:MAX_PROFILE_POSTS]
    )
    texts = samples + [p for p in posts if p]
    metrics = style_measure(texts)
    profile, _created = StyleProfile.objects.update_or_create(
        persona=persona,
        defaults={
            "metrics": metrics,
            "phrases": characteristic_phrases(texts),
            "sample_count": len(samples),
            "post_count": len([p for p in posts if p]),
            "word_count": metrics["words"],
            "computed_at": timezone.now(),
        },
    )
    return profile


def persona_style_relearn(*, user: User, persona: Persona) -> StyleProfile:
    require_capability(user=user, workspace=persona.workspace_id, capability=Capability.MANAGE_PERSONAS)
    with transaction.atomic():
        profile = persona_style_learn(persona=persona)
        audit_log(actor=user, action="persona.style_relearn", target=persona)
    return profile
