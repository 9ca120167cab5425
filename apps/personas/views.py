"""Persona pages: list, create and edit, the profile (learned style), and sample texts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.permissions import membership_for
from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict

from .forms import PersonaForm, SampleForm, StyleCheckForm
from .selectors import persona_for_user, persona_profile, persona_samples, persona_style_match, personas_for_workspace
from .services import (
    persona_create,
    persona_delete,
    persona_sample_add,
    persona_sample_delete,
    persona_style_relearn,
    persona_update,
)
from .style import MEASURE_HINTS, MEASURE_LABELS


def _can_manage(request, workspace) -> bool:
    membership = membership_for(user=request.user, workspace=workspace)
    return bool(membership and membership.can(Capability.MANAGE_PERSONAS))


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def persona_list(request):
    request_membership(request)
    personas = personas_for_workspace(user=request.user, workspace=request.workspace)
    return render(
        request, "personas/list.html", {"personas": personas, "can_manage": _can_manage(request, request.workspace)}
    )


@login_required
def persona_new(request):
    request_membership(request)
    form = PersonaForm(request.POST or None, initial={"language": request.LANGUAGE_CODE[:2]})
    if request.method == "POST" and form.is_valid():
        try:
            persona = persona_create(user=request.user, workspace=request.workspace, data=form.cleaned_data)
        except Conflict as exc:
            form.add_error("name", exc.message)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Persona created. Add sample texts so its style can be learned."))
            return redirect("personas:samples", pk=persona.pk)
    return render(request, "personas/edit.html", {"form": form, "persona": None})


@login_required
def persona_detail(request, pk: int):
    persona = persona_for_user(user=request.user, pk=pk)
    profile = persona_profile(persona=persona)
    check_form = StyleCheckForm(request.POST or None)
    match = None
    if request.method == "POST" and check_form.is_valid():
        match = persona_style_match(persona=persona, text=check_form.cleaned_data["text"])
    measures = (
        [(MEASURE_LABELS[key], profile.metrics.get(key), hint) for key, hint in MEASURE_HINTS.items()]
        if profile
        else []
    )
    posts = persona.posts.only("id", "title", "state", "updated_at")[:10]
    return render(
        request,
        "personas/detail.html",
        {
            "persona": persona,
            "profile": profile,
            "measures": measures,
            "check_form": check_form,
            "match": match,
            "posts": posts,
            "can_manage": _can_manage(request, persona.workspace),
        },
    )


@login_required
def persona_edit(request, pk: int):
    persona = persona_for_user(user=request.user, pk=pk)
    initial = {f: getattr(persona, f) for f in PersonaForm.base_fields}
    form = PersonaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            persona_update(user=request.user, persona=persona, data=form.cleaned_data)
        except Conflict as exc:
            form.add_error("name", exc.message)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Persona saved."))
            return redirect("personas:detail", pk=persona.pk)
    return render(request, "personas/edit.html", {"form": form, "persona": persona})


@login_required
@require_POST
def persona_remove(request, pk: int):
    persona = persona_for_user(user=request.user, pk=pk)
    persona_delete(user=request.user, persona=persona)
    messages.success(request, _("Persona deleted."))
    return redirect("personas:index")


@login_required
def persona_sample_list(request, pk: int):
    persona = persona_for_user(user=request.user, pk=pk)
    form = SampleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            persona_sample_add(user=request.user, persona=persona, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Sample added; the style profile was relearned."))
            return redirect("personas:samples", pk=persona.pk)
    return render(
        request,
        "personas/samples.html",
        {
            "persona": persona,
            "samples": persona_samples(persona=persona),
            "form": form,
            "can_manage": _can_manage(request, persona.workspace),
        },
    )


@login_required
@require_POST
def persona_sample_remove(request, pk: int, sample_pk: int):
    persona = persona_for_user(user=request.user, pk=pk)
    sample = get_object_or_404(persona.samples, pk=sample_pk)
    persona_sample_delete(user=request.user, sample=sample)
    messages.success(request, _("Sample removed; the style profile was relearned."))
    return redirect("personas:samples", pk=persona.pk)


@login_required
@require_POST
def persona_relearn(request, pk: int):
    persona = persona_for_user(user=request.user, pk=pk)
    persona_style_relearn(user=request.user, persona=persona)
    messages.success(request, _("Style profile relearned from the samples and published posts."))
    return redirect("personas:detail", pk=persona.pk)
