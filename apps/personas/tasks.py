"""Celery entry points for personas: relearning style profiles as posts get published."""

from __future__ import annotations

from celery import shared_task

from .models import Persona
from .services import persona_style_learn


@shared_task(name="personas.style_learn", acks_late=True, ignore_result=True)
def persona_style_learn_task(persona_id: int, **kwargs: object) -> None:
    persona = Persona.objects.filter(pk=persona_id).first()
    if persona is not None:
        persona_style_learn(persona=persona)


@shared_task(name="personas.style_learn_all", acks_late=True, ignore_result=True)
def persona_style_learn_all_task(**kwargs: object) -> None:
    """Nightly: fold newly published posts into every persona's profile (one task per persona)."""
    for persona_id in Persona.objects.values_list("pk", flat=True):
        persona_style_learn_task.delay(persona_id)
