"""No current workspace is never a 500. Every URL of the app (collected from the URL resolver, under /app/)
is requested as a fresh signup that belongs to no workspace, and with an X-Workspace naming a foreign
workspace; every API URL likewise. Pages that need a workspace show the onboarding page; the API answers
4xx with the error envelope."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from apps.accounts.models import ApiToken
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
_SAMPLES = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:  # a regex pattern (DRF's routers): ids become 1, format suffixes are skipped
            regex = entry.pattern.regex.pattern
            if "format" in regex:
                continue
            route = _GROUP.sub("1", regex.lstrip("^").rstrip("$")).replace("/?", "/").replace("\\", "")
        path = prefix + _CONVERTER.sub(lambda m: _SAMPLES.get(m.group(1) or "str", "x"), route)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, path)
        elif isinstance(entry, URLPattern):
            yield "/" + path


def _urls(prefix: str) -> list[str]:
    return sorted({url for url in _walk(get_resolver().url_patterns) if url.startswith(prefix)})


APP_URLS = _urls("/app/")
API_URLS = [url for url in _urls("/api/v1/") if url != "/api/v1/auth/token/"]


def test_the_walk_finds_the_app():
    assert len(APP_URLS) > 40 and "/app/posts/" in APP_URLS and "/app/workspaces/members/" in APP_URLS
    assert len(API_URLS) > 40 and "/api/v1/posts/" in API_URLS


@pytest.fixture
def newcomer(db):
    """A fresh signup: verified address, no workspace."""
    return UserFactory(username="новичок-新人", display_name="Новичок 新人 🧑‍💻")


@pytest.fixture
def foreign(db):
    return WorkspaceFactory(name="Чужая команда", slug="foreign-team")


def _assert_no_5xx(client, urls, methods=("get", "post")):
    failures = []
    for url in urls:
        for method in methods:
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                failures.append((method.upper(), url, response.status_code))
    assert not failures, failures


def test_every_app_page_as_a_user_without_workspace(newcomer):
    client = Client(raise_request_exception=False)
    client.force_login(newcomer)
    _assert_no_5xx(client, APP_URLS)


def test_pages_that_need_a_workspace_show_onboarding(newcomer):
    client = Client()
    client.force_login(newcomer)
    for url in (
        "/app/",
        "/app/posts/",
        "/app/trends/",
        "/app/sources/",
        "/app/publishing/",
        "/app/personas/",
        "/app/workspaces/members/",
        "/app/audit/",
        "/app/generate/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "No workspace yet" in body and 'action="/app/workspaces/new/"' in body, url


def test_every_app_page_with_a_foreign_workspace_header(writer, foreign):
    client = Client(raise_request_exception=False, HTTP_X_WORKSPACE=str(foreign.pk))
    client.force_login(writer)
    _assert_no_5xx(client, APP_URLS)


def _api(user, **headers) -> APIClient:
    _token, key = ApiToken.issue(user=user)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)
    return client


def test_every_api_url_without_workspace(newcomer):
    _assert_no_5xx(_api(newcomer), API_URLS, methods=("get", "post", "patch", "delete"))


def test_every_api_url_with_a_foreign_workspace_header(writer, foreign):
    client = _api(writer, HTTP_X_WORKSPACE=str(foreign.pk))
    _assert_no_5xx(client, API_URLS, methods=("get", "post", "patch", "delete"))


def test_api_without_workspace_is_a_404_envelope(newcomer, writer, foreign):
    body = _api(newcomer).get("/api/v1/posts/").json()
    assert body["error"]["code"] == "not_found"
    response = _api(writer, HTTP_X_WORKSPACE=foreign.slug).get("/api/v1/posts/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_middleware_sets_a_real_none(newcomer, rf):
    from apps.accounts.middleware import WorkspaceMiddleware

    seen = {}

    def view(request):
        seen["membership"], seen["workspace"] = request.membership, request.workspace

    request = rf.get("/app/")
    request.user = newcomer
    request.session = {}
    middleware = WorkspaceMiddleware(lambda r: middleware.process_view(r, view, (), {}) or view(r))
    middleware(request)
    assert seen == {"membership": None, "workspace": None}
    MembershipFactory(user=newcomer)
    middleware(request)
    assert seen["membership"] is not None and seen["workspace"] is not None
