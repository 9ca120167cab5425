"""Managing members and workspaces from /app/: admins add, re-role and remove; anyone can leave;
a workspace always keeps an admin; everything lands in the audit log."""

import pytest

from apps.accounts.models import Membership, Workspace
from apps.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _roles(workspace):
    return dict(Membership.objects.filter(workspace=workspace).values_list("user__username", "role"))


def test_admin_adds_a_member_by_email(client_for, admin_member, workspace):
    """Adding now invites: the member exists only once the invitee accepts (tests/accounts/test_invitations.py)."""
    newcomer = UserFactory(username="newcomer")
    response = client_for(admin_member).post(
        "/app/workspaces/members/add/", {"login": newcomer.email.upper(), "role": "editor"}, follow=True
    )
    assert "They join once they accept" in response.content.decode()
    assert "newcomer" not in _roles(workspace)
    assert AuditEntry.objects.filter(workspace=workspace, action="membership.invite").count() == 1
    page = client_for(newcomer).get("/app/invitations/").content.decode()
    invitation = newcomer.email.lower()
    assert "Newsroom" in page and invitation
    from apps.accounts.models import Invitation

    pk = Invitation.objects.get(workspace=workspace).pk
    client_for(newcomer).post(f"/app/invitations/{pk}/answer/", {"answer": "accept", "switch": "1"})
    assert _roles(workspace)["newcomer"] == "editor"
    assert AuditEntry.objects.filter(workspace=workspace, action="membership.add").count() == 1


def test_adding_unknown_or_existing_people_is_a_message(client_for, admin_member, writer):
    c = client_for(admin_member)
    body = c.post("/app/workspaces/members/add/", {"login": "ghost", "role": "writer"}, follow=True).content.decode()
    assert "Invited ghost as Writer" in body  # the same words as for anyone: nothing is revealed
    body = c.post("/app/workspaces/members/add/", {"login": "writer", "role": "writer"}, follow=True).content.decode()
    assert "already a member" in body
    body = c.post("/app/workspaces/members/add/", {"login": "writer", "role": "king"}, follow=True).content.decode()
    assert "Unknown role" in body


def test_admin_changes_a_role(client_for, admin_member, writer, workspace):
    client_for(admin_member).post(f"/app/workspaces/members/{writer.pk}/role/", {"role": "publisher"})
    assert _roles(workspace)["writer"] == "publisher"
    assert AuditEntry.objects.filter(action="membership.set_role", workspace=workspace).exists()


def test_the_last_admin_cannot_step_down_or_leave(client_for, admin_member, workspace):
    c = client_for(admin_member)
    body = c.post(f"/app/workspaces/members/{admin_member.pk}/role/", {"role": "writer"}, follow=True)
    assert "at least one admin" in body.content.decode()
    c.post(f"/app/workspaces/members/{admin_member.pk}/remove/")
    assert _roles(workspace)["admin"] == "admin"


def test_non_admins_cannot_manage(client_for, editor, writer, workspace):
    c = client_for(editor)
    page = c.get("/app/workspaces/members/").content.decode()
    assert "Add a member" not in page
    body = c.post(f"/app/workspaces/members/{writer.pk}/role/", {"role": "admin"}, follow=True).content.decode()
    assert "cannot do this" in body
    c.post(f"/app/workspaces/members/{writer.pk}/remove/")
    c.post("/app/workspaces/members/add/", {"login": "outsider", "role": "admin"})
    assert _roles(workspace) == {"writer": "writer", "editor": "editor", "publisher": "publisher", "admin": "admin"}


def test_a_member_can_leave(client_for, writer, workspace):
    c = client_for(writer)
    response = c.post(f"/app/workspaces/members/{writer.pk}/remove/", follow=True)
    assert "You left Newsroom" in response.content.decode()
    assert "writer" not in _roles(workspace)


def test_outsider_cannot_touch_another_workspaces_members(client_for, outsider, writer, workspace):
    c = client_for(outsider)
    assert c.post(f"/app/workspaces/members/{writer.pk}/role/", {"role": "writer"}).status_code == 404
    assert c.post(f"/app/workspaces/members/{writer.pk}/remove/").status_code == 404
    assert _roles(workspace)["writer"] == "writer"


def test_create_a_workspace_from_the_app(client_for, writer):
    c = client_for(writer)
    assert c.get("/app/workspaces/new/").status_code == 200
    response = c.post("/app/workspaces/new/", {"name": "Side Desk"}, follow=True)
    body = response.content.decode()
    assert "Created Side Desk" in body
    created = Workspace.objects.get(name="Side Desk")
    assert Membership.objects.get(workspace=created, user=writer).role == "admin"
    assert c.session["workspace_id"] == created.pk
    assert c.post("/app/workspaces/new/", {"name": ""}).status_code == 200


def test_a_new_user_creates_a_first_workspace(client):
    user = UserFactory(username="loner")
    client.force_login(user)
    page = client.get("/app/").content.decode()
    assert "No workspace yet" in page and 'name="name"' in page
    response = client.post("/app/workspaces/new/", {"name": "My Desk"}, follow=True)
    assert response.redirect_chain[-1][0] == "/app/"
    assert "My Desk" in response.content.decode()
    response = client.post("/app/workspaces/new/", {"name": "  "}, follow=True)
    assert response.status_code == 200


def test_members_page_query_count_is_flat(client_for, admin_member, workspace, django_assert_max_num_queries):
    from tests.factories import MembershipFactory

    c = client_for(admin_member)
    c.get("/app/workspaces/members/")
    for _ in range(15):
        MembershipFactory(workspace=workspace, user=UserFactory())
    with django_assert_max_num_queries(7):
        assert c.get("/app/workspaces/members/").status_code == 200
