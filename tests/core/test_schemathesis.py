"""schemathesis over the whole OpenAPI schema, as a member with a workspace: no input makes a 5xx.

Bounded: a few derandomized examples per operation, so the run is deterministic and stays within minutes.
"""

from __future__ import annotations

import os
import sys
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from apps.accounts.models import ApiToken

# Autocommit, as in production: a query the database refuses (DataError, answered 400) must not leave
# the connection in an aborted test transaction for every case after it.
pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "10"))


@pytest.fixture
def keep_connection():
    """Like Django's test client: the WSGI app must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_operation_answers_5xx(workspace, admin_member, keep_connection, settings_fast_outbound):
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    if only := os.environ.get("SCHEMATHESIS_PATHS"):  # a regex, to run a few operations by hand
        schema = schema.include(path_regex=only)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= (1 if os.environ.get("SCHEMATHESIS_PATHS") else 60)
    failures = []
    statuses: dict[int, int] = {}
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
        )

        @given(case=strategy)
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def run(case):
            # a fresh token per case: DELETE /api/v1/auth/token/ revokes the one it is sent with
            _token, key = ApiToken.issue(user=admin_member)
            headers = {**(case.headers or {}), "Authorization": f"Bearer {key}", "X-Workspace": str(workspace.pk)}
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            statuses[response.status_code // 100] = statuses.get(response.status_code // 100, 0) + 1
            if response.status_code == 401:
                statuses[401] = statuses.get(401, 0) + 1

        started = time.monotonic()
        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
        finally:
            print(f"{time.monotonic() - started:6.2f}s {operation.label}", file=sys.stderr, flush=True)
    assert not failures, f"{len(failures)} operations failed ({statuses}):\n\n" + "\n\n".join(failures)
    # the cases get past authentication and some reach the happy path
    assert statuses.get(401, 0) < sum(statuses.get(n, 0) for n in (2, 3, 4, 5)) / 10, statuses
    assert statuses.get(2, 0) >= 5, statuses


@pytest.fixture
def settings_fast_outbound(settings):
    """No outbound request may leave the machine; the fetchers refuse private addresses anyway."""
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    return settings
