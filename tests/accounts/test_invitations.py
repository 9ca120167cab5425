"""Nobody is put in a workspace without consent, and nobody works in one they did not choose.

Admins invite by username or e-mail; the invitee sees the invitation in the app and by mail and accepts or
declines; only then does a Membership exist. Inviting never tells whether an address has an account.
A user's browser works in their stored default (created, chosen, or switched to); API clients of users in
several workspaces must name one (400 listing them), and /ws/trends/ the same."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client, TestCase
from rest_framework.test import APIClient

from apps.accounts import services
from apps.accounts.models import ApiToken, Invitation, InvitationState, Membership, Workspace
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/app/workspaces/members/add/"


def _invite(client, login, role="writer") -> str:
    # The invitation mail goes out on commit; the test's transaction never commits, so run the callbacks.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(ADD, {"login": login, "role": role}, follow=True)
    assert response.status_code == 200
    return re.search(r'<li class="message[^"]*">(.*?)</li>', response.content.decode(), re.S).group(1)


def _answer(client, invitation, answer="accept", switch=True):
    data = {"answer": answer, **({"switch": "1"} if switch else {})}
    return client.post(f"/app/invitations/{invitation.pk}/answer/", data, follow=True)


def _member(user, workspace) -> bool:
    return Membership.objects.filter(user=user, workspace=workspace).exists()


def test_inviting_creates_no_membership_until_the_invitee_accepts(client_for, admin_member, workspace):
    invitee = UserFactory(username="zoë", email="zoe@example.com", display_name="Зоя 🌸")
    message = _invite(client_for(admin_member), "ZOË", role="editor")
    assert "They join once they accept" in message
    assert not _member(invitee, workspace)
    invitation = Invitation.objects.get(workspace=workspace)
    assert invitation.state == InvitationState.PENDING and invitation.login == "zoë"
    assert mail.outbox[-1].to == ["zoe@example.com"] and "/app/invitations/" in mail.outbox[-1].body

    browser = client_for(invitee)
    page = browser.get("/app/").content.decode()  # no workspace yet: the onboarding page lists it
    assert "Pending invitations" in page and "Newsroom" in page
    response = _answer(browser, invitation)
    assert "You joined Newsroom as Editor" in response.content.decode()
    assert Membership.objects.get(user=invitee, workspace=workspace).role == "editor"
    invitee.refresh_from_db()
    assert invitee.default_workspace_id == workspace.pk
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.ACCEPTED
    assert _answer(browser, invitation).status_code == 404  # answered once


def test_declining_leaves_no_membership(client_for, admin_member, workspace):
    invitee = UserFactory(username="declines")
    _invite(client_for(admin_member), "declines")
    invitation = Invitation.objects.get()
    response = _answer(client_for(invitee), invitation, answer="decline")
    assert "declined" in response.content.decode()
    assert not _member(invitee, workspace)
    assert Invitation.objects.get().state == InvitationState.DECLINED


def test_nobody_else_can_accept_an_invitation(client_for, admin_member, workspace, outsider):
    UserFactory(username="target")
    _invite(client_for(admin_member), "target")
    invitation = Invitation.objects.get()
    assert _answer(client_for(outsider), invitation).status_code == 404
    assert not _member(outsider, workspace)


def test_an_unverified_address_cannot_accept(client_for, admin_member, workspace):
    squatter = UserFactory(username="squatter", email="victim@example.org")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    _invite(client_for(admin_member), "victim@example.org")
    assert _answer(client_for(squatter), Invitation.objects.get()).status_code == 404
    assert not _member(squatter, workspace)


def test_inviting_does_not_reveal_whether_an_address_has_an_account(client_for, admin_member, workspace):
    UserFactory(username="known", email="known@example.com")
    admin = client_for(admin_member)
    known = _invite(admin, "known@example.com")
    unknown = _invite(admin, "nobody-here@example.com")
    assert known.replace("known@example.com", "X") == unknown.replace("nobody-here@example.com", "X")
    assert [m.to for m in mail.outbox] == [["known@example.com"], ["nobody-here@example.com"]]
    assert mail.outbox[0].body == mail.outbox[1].body
    members_page = admin.get("/app/workspaces/members/").content.decode()
    assert "known@example.com" in members_page and "nobody-here@example.com" in members_page
    assert "Known" not in members_page  # the account's name is never shown for an address


def test_an_invitation_to_a_plain_unknown_address_after_signup(client_for, admin_member, workspace):
    _invite(client_for(admin_member), "Later@Example.com")
    mail.outbox.clear()
    browser = Client()
    response = browser.post(
        "/accounts/signup/",
        {
            "email": "later@example.com",
            "username": "later",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
        },
    )
    assert response.status_code == 302
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    browser.post(link.split("testserver", 1)[1])
    assert "Newsroom" in browser.get("/app/invitations/").content.decode()
    _answer(browser, Invitation.objects.get())
    assert _member(EmailAddress.objects.get(email="later@example.com").user, workspace)


def test_only_admins_invite_and_admins_can_withdraw(client_for, editor, admin_member, workspace):
    UserFactory(username="someone")
    _invite(client_for(editor), "someone")
    assert not Invitation.objects.exists()
    admin = client_for(admin_member)
    _invite(admin, "someone")
    invitation = Invitation.objects.get()
    admin.post(f"/app/workspaces/invitations/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.REVOKED


def _attack(admin_member):
    """The reported attack: a workspace named to sort first, the victim invited to it."""
    attacker = UserFactory(username="attacker")
    evil = services.workspace_create(name="0000 Evil", owner=attacker)
    victim = UserFactory(username="victim")
    own = services.workspace_create(name="Victim Desk", owner=victim)
    services.invitation_create(actor=attacker, workspace=evil, login="victim", role="writer")
    return attacker, evil, victim, own


def test_an_invitation_does_not_move_the_victim(admin_member):
    _attacker, evil, victim, own = _attack(admin_member)
    assert not _member(victim, evil)
    browser = Client()
    browser.force_login(victim)
    assert "Victim Desk" in browser.get("/app/").content.decode()
    _token, key = ApiToken.issue(user=victim)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api.post("/api/v1/posts/", {"title": "Мой черновик ✍️"}, format="json")
    assert response.status_code == 201, response.content
    from apps.posts.models import Post

    assert Post.objects.get(title="Мой черновик ✍️").workspace_id == own.pk
    assert not Post.objects.filter(workspace=evil).exists()


def test_accepting_without_switching_keeps_the_default(admin_member):
    _attacker, evil, victim, own = _attack(admin_member)
    browser = Client()
    browser.force_login(victim)
    _answer(browser, Invitation.objects.get(workspace=evil), switch=False)
    assert _member(victim, evil)
    victim.refresh_from_db()
    assert victim.default_workspace_id == own.pk
    fresh = Client()
    fresh.force_login(victim)
    page = fresh.get("/app/").content.decode()
    assert re.search(rf'<option value="{own.pk}"\s+selected', page)


def test_api_client_in_several_workspaces_must_name_one(admin_member):
    _attacker, evil, victim, own = _attack(admin_member)
    services.invitation_accept(user=victim, invitation=Invitation.objects.get(workspace=evil), make_default=False)
    _token, key = ApiToken.issue(user=victim)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    for method, url in (("get", "/api/v1/posts/"), ("post", "/api/v1/posts/"), ("get", "/api/v1/sources/")):
        response = getattr(api, method)(url, {"title": "x"} if method == "post" else None, format="json")
        assert response.status_code == 400, (url, response.content)
        error = response.json()["error"]
        assert error["code"] == "workspace_required" and "X-Workspace" in error["message"]
        listed = {(w["id"], w["slug"], w["name"]) for w in error["details"]["workspaces"]}
        assert listed == {(own.pk, own.slug, own.name), (evil.pk, evil.slug, evil.name)}
    assert api.get("/api/v1/posts/", HTTP_X_WORKSPACE=own.slug).status_code == 200
    me = api.get("/api/v1/me/").json()
    assert me["current_workspace"] is None and len(me["memberships"]) == 2


def test_api_client_in_one_workspace_needs_no_header(writer, workspace, api_client_for):
    assert api_client_for(writer).get("/api/v1/posts/").status_code == 200
    assert api_client_for(writer).get("/api/v1/me/").json()["current_workspace"] == workspace.pk


def test_browser_with_several_workspaces_and_no_choice_is_asked(writer, other_workspace):
    MembershipFactory(workspace=other_workspace, user=writer)
    browser = Client()
    browser.force_login(writer)
    page = browser.get("/app/posts/").content.decode()
    assert "Choose a workspace" in page and "Other Team" in page and "Newsroom" in page
    browser.post("/app/workspaces/switch/", {"workspace": other_workspace.pk, "next": "/app/"})
    writer.refresh_from_db()
    assert writer.default_workspace_id == other_workspace.pk  # an explicit switch is stored
    fresh = Client()
    fresh.force_login(writer)
    assert re.search(rf'<option value="{other_workspace.pk}"\s+selected', fresh.get("/app/").content.decode())


def test_creating_a_workspace_makes_it_the_default(client_for, writer):
    client_for(writer).post("/app/workspaces/new/", {"name": "Side Desk 侧台"})
    writer.refresh_from_db()
    assert writer.default_workspace == Workspace.objects.get(name="Side Desk 侧台")


def test_leaving_the_default_workspace_clears_it(client_for, writer, workspace):
    writer.default_workspace = workspace
    writer.save(update_fields=["default_workspace"])
    client_for(writer).post(f"/app/workspaces/members/{writer.pk}/remove/")
    writer.refresh_from_db()
    assert writer.default_workspace_id is None


def test_the_login_password_still_works(writer):
    assert Client().login(username="writer", password=PASSWORD)


def test_api_invite_accept_and_decline(api_client_for, admin_member, workspace, other_workspace):
    invitee = UserFactory(username="mobile", email="mobile@example.com")
    admin = api_client_for(admin_member)
    url = f"/api/v1/workspaces/{workspace.slug}/members/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        known = admin.post(url, {"login": "mobile@example.com", "role": "editor"}, format="json")
        unknown = admin.post(url, {"login": "nobody@example.com", "role": "editor"}, format="json")
    assert known.status_code == unknown.status_code == 202
    strip = lambda body: {k: v for k, v in body.items() if k not in ("id", "login", "created_at")}  # noqa: E731
    assert strip(known.json()) == strip(unknown.json())
    assert len(mail.outbox) == 2 and not _member(invitee, workspace)
    assert admin.get(url).status_code == 200  # the member list still works

    mobile = api_client_for(invitee)
    pending = mobile.get("/api/v1/invitations/").json()
    assert [(i["workspace"]["slug"], i["role"]) for i in pending] == [(workspace.slug, "editor")]
    accepted = mobile.post(f"/api/v1/invitations/{pending[0]['id']}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["role"] == "editor"
    assert _member(invitee, workspace)
    assert mobile.post(f"/api/v1/invitations/{pending[0]['id']}/decline/").status_code == 404

    services.invitation_create(actor=admin_member, workspace=workspace, login="writer-two", role="writer")
    services.workspace_create(name="Other", owner=admin_member)
    second = services.invitation_create(
        actor=admin_member, workspace=workspace, login="mobile@example.com", role="admin"
    )
    assert mobile.post(f"/api/v1/invitations/{second.pk}/decline/").status_code == 404  # already a member
    outsider_api = api_client_for(UserFactory(username="nosy"))
    assert outsider_api.post(f"/api/v1/invitations/{second.pk}/accept/").status_code == 404
    assert (
        admin.post(f"/api/v1/workspaces/{other_workspace.pk}/members/", {"login": "x"}, format="json").status_code
        == 404
    )
    writer_api = api_client_for(MembershipFactory(workspace=workspace, role="writer").user)
    assert writer_api.post(url, {"login": "y@example.com"}, format="json").status_code == 403
