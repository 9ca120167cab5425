"""Tenancy guarantees, discovered rather than listed, so they grow with every new app:

* every concrete model that subclasses WorkspaceScopedModel gets one row in `workspace` (made by a
  factory when one is registered, else generically from its required fields);
* for every list endpoint under /api/v1/ (found in the URL resolver), an outsider (admin of another
  workspace) never sees those rows, and asking for `workspace` by X-Workspace header gets 404;
* for every detail endpoint under /api/v1/ and every page under /app/ that takes one object id, an
  outsider gets 404 (or 405 where GET is not allowed) for each of those rows — never 200, never 500.

A model the generic maker cannot build (custom validation, required relations to non-scoped models) gets
a factory: put `FACTORIES = {"app_label.ModelName": lambda *, workspace, user: <saved instance>}` in
tests/<app>/tenancy.py.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import pkgutil
import re
import uuid
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from apps.accounts.models import Workspace
from apps.core.models import WorkspaceScopedModel

pytestmark = pytest.mark.django_db
TESTS = Path(__file__).resolve().parents[1]
_counter = itertools.count(1)


# --- discovery --------------------------------------------------------------------------------
def scoped_models() -> list[type[models.Model]]:
    return sorted(
        (
            m
            for m in apps.get_models()
            if issubclass(m, WorkspaceScopedModel) and not m._meta.abstract and not m._meta.proxy
        ),
        key=lambda m: m._meta.label,
    )


def registered_factories() -> dict:
    factories = {}
    for info in pkgutil.iter_modules([str(TESTS)]):
        if info.ispkg and (TESTS / info.name / "tenancy.py").exists():
            factories.update(getattr(import_module(f"tests.{info.name}.tenancy"), "FACTORIES", {}))
    return factories


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:(\w+):)?(\w+)>")


def _params(route: str) -> list[str]:
    return [m.group(1) or m.group(3) for m in _PARAM.finditer(route)]


def _fill(route: str, value) -> str:
    path = _PARAM.sub(lambda m: str(value), route)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "").lstrip("/")


def api_endpoints() -> tuple[list[tuple[str, type]], list[tuple[str, type]]]:
    """(list endpoints, detail endpoints) of /api/v1/ as (route, view class)."""
    lists, details = [], []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith("api/v1/"):
            continue
        view = pattern.callback
        cls = getattr(view, "cls", None)
        if cls is None:
            continue
        actions = getattr(view, "actions", None) or {}
        params = _params(route)
        if actions.get("get") == "list" and not params:
            lists.append((route, cls))
        elif actions.get("get") == "retrieve" and len(params) == 1:
            details.append((route, cls))
    return sorted(set(lists), key=str), sorted(set(details), key=str)


def app_object_pages() -> list[str]:
    """/app/ routes with exactly one parameter that names an object (pk, id or <something>_id/_pk)."""
    routes = []
    for route, _pattern in _walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith("app/"):
            continue
        params = _params(route)
        if len(params) == 1 and re.fullmatch(r"pk|id|\w+_(pk|id)", params[0]):
            routes.append(route)
    return sorted(set(routes))


# --- generic creation ---------------------------------------------------------------------------
def _value_for(field: models.Field, *, workspace, user, depth: int):
    n = next(_counter)
    if field.choices:
        return field.choices[0][0] if not isinstance(field.choices[0][1], (list, tuple)) else field.choices[0][1][0][0]
    if isinstance(field, (models.ForeignKey, models.OneToOneField)):
        target = field.related_model
        if target is Workspace:
            return workspace
        if target is get_user_model():
            return user
        if target is ContentType:
            return ContentType.objects.get_for_model(Workspace)
        return make_instance(target, workspace=workspace, user=user, depth=depth + 1)
    if isinstance(field, models.EmailField):
        return f"t{n}@example.com"
    if isinstance(field, models.URLField):
        return f"https://example.com/tenancy/{n}"
    if isinstance(field, models.GenericIPAddressField):
        return "192.0.2.1"
    if isinstance(field, (models.CharField, models.TextField)):
        return f"tenancy-{n}"[: field.max_length or 50]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return 1
    if isinstance(field, models.DecimalField):
        return decimal.Decimal("1")
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return timezone.now().date()
    if isinstance(field, models.DurationField):
        return datetime.timedelta(0)
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.JSONField):
        return {}
    if isinstance(field, models.BinaryField):
        return b""
    if isinstance(field, models.FileField):
        return f"tenancy/{n}.txt"
    raise TypeError(f"no generic value for {field.__class__.__name__} {field.model._meta.label}.{field.name}")


def _optional(field: models.Field) -> bool:
    """True when the database or Django fills the field by itself (default, NULL, auto time, blank text)."""
    if field.has_default() or field.null or getattr(field, "auto_now", False):
        return True
    if getattr(field, "auto_now_add", False):
        return True
    return field.blank and isinstance(field, (models.CharField, models.TextField))


def make_instance(model, *, workspace, user, depth: int = 0, factories=None):
    factories = registered_factories() if factories is None else factories
    if model._meta.label in factories:
        return factories[model._meta.label](workspace=workspace, user=user)
    if depth > 4:
        raise RecursionError(f"relations too deep at {model._meta.label}")
    kwargs = {}
    for field in model._meta.concrete_fields:
        if field.primary_key and (field.has_default() or isinstance(field, models.AutoField)):
            continue
        if field.name == "workspace":
            kwargs["workspace"] = workspace
        elif _optional(field):
            continue
        else:
            kwargs[field.name] = _value_for(field, workspace=workspace, user=user, depth=depth)
    with transaction.atomic():
        return model.objects.create(**kwargs)


@pytest.fixture
def scoped_rows(workspace, members):
    """One saved row of every workspace-scoped model in `workspace` ({label: instance}), plus the models
    that could not be made generically ({label: reason})."""
    factories = registered_factories()
    rows, unmade = {}, {}
    for model in scoped_models():
        try:
            rows[model._meta.label] = make_instance(
                model, workspace=workspace, user=members["admin"], factories=factories
            )
        except Exception as exc:  # reported below: the owner adds a factory in tests/<app>/tenancy.py
            unmade[model._meta.label] = f"{exc.__class__.__name__}: {exc}"[:200]
    return rows, unmade


# --- the guarantees -------------------------------------------------------------------------------
def test_discovery_finds_the_known_pieces():
    labels = {m._meta.label for m in scoped_models()}
    assert labels, "no WorkspaceScopedModel subclasses found"
    lists, _details = api_endpoints()
    assert any(route.endswith("workspaces/$") or route.endswith("workspaces/") for route, _ in lists), lists


def test_every_scoped_model_can_be_made(scoped_rows):
    rows, unmade = scoped_rows
    assert rows
    if unmade:
        pytest.skip(
            "no generic row for (add FACTORIES in tests/<app>/tenancy.py): "
            + "; ".join(f"{k} ({v})" for k, v in unmade.items())
        )


def test_scoped_querysets_hide_rows_from_outsiders(scoped_rows, outsider, members):
    rows, _unmade = scoped_rows
    for label, obj in rows.items():
        model = type(obj)
        manager = model._default_manager
        if hasattr(manager, "visible_to"):
            assert not manager.visible_to(outsider).filter(pk=obj.pk).exists(), label
            assert manager.visible_to(members["writer"]).filter(pk=obj.pk).exists(), label


def _ids_in(body) -> set[str]:
    results = body.get("results", body) if isinstance(body, dict) else body
    if not isinstance(results, list):
        return set()
    return {str(r.get("id", r.get("pk", ""))) for r in results if isinstance(r, dict)}


def _workspaces_in(body) -> set[str]:
    results = body.get("results", body) if isinstance(body, dict) else body
    if not isinstance(results, list):
        return set()
    found = set()
    for r in results:
        if isinstance(r, dict) and "workspace" in r:
            ws = r["workspace"]
            found.add(str(ws.get("id") if isinstance(ws, dict) else ws))
    return found


def _model_of(cls):
    queryset = getattr(cls, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer = getattr(cls, "serializer_class", None)
    meta = getattr(serializer, "Meta", None)
    return getattr(meta, "model", None)


def test_outsider_never_sees_another_workspaces_rows_in_api_lists(
    scoped_rows, api_client_for, outsider, other_workspace, workspace
):
    rows, _unmade = scoped_rows
    client = api_client_for(outsider, other_workspace)
    lists, _details = api_endpoints()
    print("checked API lists:", [route for route, _ in lists])
    problems = []
    for route, cls in lists:
        url = _fill(route, "")
        response = client.get(url, {"page_size": 200})
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200:
            continue
        body = response.json()
        model = _model_of(cls)
        mine = {str(obj.pk) for obj in rows.values() if model is not None and isinstance(obj, model)}
        if mine & _ids_in(body):
            problems.append(f"{url}: lists {sorted(mine & _ids_in(body))} of {model._meta.label}")
        if str(workspace.pk) in _workspaces_in(body):
            problems.append(f"{url}: lists rows of workspace {workspace.pk}")
        # pointing the header at the foreign workspace is refused outright
        foreign = client.get(url, HTTP_X_WORKSPACE=str(workspace.pk))
        if foreign.status_code == 200 and (
            mine & _ids_in(foreign.json()) or str(workspace.pk) in _workspaces_in(foreign.json())
        ):
            problems.append(f"{url} with X-Workspace={workspace.pk}: shows foreign rows")
        if foreign.status_code >= 500:
            problems.append(f"{url} with X-Workspace: {foreign.status_code}")
    assert problems == []


def test_outsider_gets_404_on_every_api_object_url(scoped_rows, api_client_for, outsider, other_workspace):
    rows, _unmade = scoped_rows
    client = api_client_for(outsider, other_workspace)
    _lists, details = api_endpoints()
    problems, checked = [], []
    for route, cls in details:
        model = _model_of(cls)
        targets = [obj for obj in rows.values() if model is not None and isinstance(obj, model)]
        for obj in targets:
            url = _fill(route, obj.pk)
            checked.append(url)
            status = client.get(url).status_code
            if status != 404:
                problems.append(f"GET {url}: {status}")
            for method in ("patch", "delete"):
                status = getattr(client, method)(url, {}, format="json").status_code
                if status not in (404, 405):
                    problems.append(f"{method.upper()} {url}: {status}")
    print("checked API object URLs:", checked)
    assert checked, "no API detail endpoint matched a workspace-scoped model"
    assert problems == []


def test_outsider_gets_404_on_every_app_object_page(scoped_rows, client_for, outsider):
    rows, _unmade = scoped_rows
    client = client_for(outsider)
    problems, routes = [], app_object_pages()
    print("checked /app/ object routes:", routes)
    for route in routes:
        for obj in rows.values():
            url = _fill(route, obj.pk)
            status = client.get(url).status_code
            if status == 200 or status >= 500:
                problems.append(f"GET {url} ({obj._meta.label} {obj.pk}): {status}")
    assert problems == []
