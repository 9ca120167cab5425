"""The workspace audit log page: scoped to the current workspace, filters, pagination, flat query count."""

import pytest

from apps.core.services import audit_log
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(workspace, other_workspace, members, outsider):
    for n in range(60):
        audit_log(actor=members["editor"], action="post.approve", workspace=workspace, data={"n": n})
    for _n in range(5):
        audit_log(actor=members["admin"], action="source.create", workspace=workspace, target=workspace)
    audit_log(actor=outsider, action="post.secret", workspace=other_workspace, data={"leak": "no"})


def test_lists_the_current_workspace_only(client_for, writer, entries):
    response = client_for(writer).get("/app/audit/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "source.create" in body and "post.approve" in body
    assert "post.secret" not in body
    assert len(response.context["entries"]) == 50
    assert "Page 1 of 2" in body


def test_second_page(client_for, writer, entries):
    response = client_for(writer).get("/app/audit/?page=2")
    assert len(response.context["entries"]) == 15


def test_filter_by_action_and_prefix(client_for, writer, entries):
    c = client_for(writer)
    response = c.get("/app/audit/?action=source.create")
    assert {e.action for e in response.context["entries"]} == {"source.create"}
    assert len(response.context["entries"]) == 5
    response = c.get("/app/audit/?action=post")
    assert {e.action for e in response.context["entries"]} == {"post.approve"}


def test_filter_by_actor_keeps_the_filter_in_page_links(client_for, writer, members, entries):
    response = client_for(writer).get(f"/app/audit/?actor={members['editor'].pk}")
    assert {e.actor_id for e in response.context["entries"]} == {members["editor"].pk}
    assert f"actor={members['editor'].pk}&amp;page=2" in response.content.decode()


def test_bad_filter_values_are_harmless(client_for, writer, entries):
    c = client_for(writer)
    for query in ["?actor=abc", "?page=999", "?page=x", "?action=" + "x" * 500]:
        assert c.get("/app/audit/" + query).status_code == 200


def test_outsider_cannot_filter_into_another_workspace(client_for, outsider, members, entries):
    response = client_for(outsider).get(f"/app/audit/?actor={members['editor'].pk}")
    assert response.status_code == 200
    assert list(response.context["entries"]) == []
    assert "post.approve" not in response.content.decode()


def test_empty_states(client_for, writer):
    c = client_for(writer)
    assert "Nothing recorded yet" in c.get("/app/audit/").content.decode()
    assert "No entries match" in c.get("/app/audit/?action=post").content.decode()


def test_query_count_is_flat(client_for, writer, workspace, members, django_assert_num_queries):
    c = client_for(writer)
    audit_log(actor=members["editor"], action="post.approve", workspace=workspace, target=workspace)
    c.get("/app/audit/")  # warm the session and content-type caches

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/app/audit/").status_code == 200
        return len(ctx)

    few = count()
    # session, user, current membership, switcher memberships, capability check, count, page, actions, members,
    # the bell's unread alerts
    assert few == 10, few
    for n in range(40):
        user = MembershipFactory(workspace=workspace, user=UserFactory(), role="writer").user
        audit_log(actor=user, action=f"post.action{n % 7}", workspace=workspace, target=workspace, data={"n": n})
    assert count() == few
    with django_assert_num_queries(few):
        c.get("/app/audit/?page=1")


def test_requires_login(client):
    response = client.get("/app/audit/")
    assert response.status_code == 302
