"""The /app/ dashboard: counts of the current workspace only, recent activity, flat query count."""

import pytest

from apps.core.selectors import DASHBOARD_COUNTS, dashboard_summary
from apps.core.services import audit_log

pytestmark = pytest.mark.django_db


def test_summary_counts_only_the_current_workspace(workspace, other_workspace, members, outsider):
    from apps.accounts.models import Membership

    audit_log(actor=members["editor"], action="post.approve", workspace=workspace, target=workspace)
    audit_log(actor=outsider, action="post.secret", workspace=other_workspace, target=other_workspace)
    summary = dashboard_summary(membership=Membership.objects.get(user=members["writer"]))
    assert [e.action for e in summary["recent_activity"]] == ["post.approve"]
    assert {s["key"] for s in summary["stats"]} == set(summary["counts"])
    assert set(summary["counts"]) <= {key for _app, _model, key in DASHBOARD_COUNTS}
    assert all(value == 0 for value in summary["counts"].values())


def test_dashboard_page_shows_stats_activity_and_links(client_for, writer, members, workspace):
    audit_log(actor=members["editor"], action="post.approve", workspace=workspace, target=workspace)
    body = client_for(writer).get("/app/").content.decode()
    assert "post.approve" in body
    assert 'href="/app/audit/"' in body
    assert "Getting started" in body  # no sources yet


def test_dashboard_query_count_is_flat(client_for, writer, members, workspace):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(writer)
    c.get("/app/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/app/").status_code == 200
        return len(ctx)

    before = count()
    for n in range(25):
        audit_log(actor=members["editor"], action=f"post.a{n}", workspace=workspace, target=workspace)
    assert count() == before
    # session, user, membership, switcher memberships, one count per model, recent activity, the bell's
    # unread alerts
    assert before <= 6 + len(DASHBOARD_COUNTS)
