"""schemathesis against /api/schema/ over the posts endpoints: no 500s, responses match the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from apps.accounts.models import ApiToken
from apps.posts import services

from .conftest import doc_of

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def posts_api(db, workspace, writer, editor):
    post = services.post_create(workspace=workspace, user=writer, title="Fuzzed", body_json=doc_of("Alpha beta gamma"))
    thread = services.comment_create(post=post, user=editor, body="c", quote="beta")
    suggestion = services.suggestion_create(post=post, user=editor, quote="gamma", replacement="delta")
    _token, key = ApiToken.issue(user=writer)
    return {"post": post, "thread": thread, "suggestion": suggestion, "key": key}


def _aim(case, posts_api) -> None:
    """Point most cases at real objects so the happy paths are exercised too, not only 404s."""
    params = case.path_parameters or {}
    targets = {
        "post_id": posts_api["post"].pk,
        "comment_id": posts_api["thread"].pk,
        "suggestion_id": posts_api["suggestion"].pk,
        "number": 1,
    }
    for name, value in targets.items():
        if name in params:
            params[name] = value


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI app must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_posts_api_conforms(posts_api, keep_connection):
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(
        path_regex=r"^/api/v1/(posts|notifications)"
    )
    headers = {"Authorization": f"Bearer {posts_api['key']}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            _aim(case, posts_api)
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)
