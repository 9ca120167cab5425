"""Sharing by e-mail reveals nothing about accounts (issue 13, item 2): the share list shows an address
the same way whether or not it has an account, an unknown address that later signs up and verifies gets
the share, unsharing takes it back; and a guest editor cannot probe member ids through the assignee."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from apps.posts import services
from apps.posts.models import EmailShare
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOC = {
    "type": "doc",
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Привет, 世界 👋🏽 مرحبا"}]}],
}


def _share_rows(html: str) -> str:
    return re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)


def _blank_ids(rows: str) -> str:
    rows = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="T"', rows)
    return re.sub(r'name="remove_email" value="\d+"', 'name="remove_email" value="N"', rows)


@pytest.fixture
def draft(workspace, writer):
    return services.post_create(workspace=workspace, user=writer, title="Черновик 草稿", body_json=DOC)


def test_share_list_page_looks_the_same_with_and_without_an_account(client_for, writer, workspace):
    UserFactory(username="known-reader", email="reader@example.com", display_name="Читатель Ана")
    page = client_for(writer)
    rows = []
    for address in ("reader@example.com", "nobody@example.com"):
        post = services.post_create(workspace=workspace, user=writer, title="Пост", body_json=DOC)
        share_url = reverse("posts:share", args=[post.pk])
        page.post(share_url, {"user": address.upper(), "level": "viewer"})
        body = page.get(share_url).content.decode()
        rows.append(_blank_ids(_share_rows(body)).replace(address, "ADDRESS"))
        assert address in body and "invited" in body
    assert rows[0] == rows[1]
    assert "Читатель" not in rows[0] and "known-reader" not in rows[0]


def test_share_list_api_looks_the_same_with_and_without_an_account(api_client_for, client_for, writer, workspace):
    known = UserFactory(username="known-reader", email="reader@example.com", display_name="Читатель")
    api = api_client_for(writer)
    lists = []
    for address in ("READER@example.com", "ghost@example.com"):
        post = services.post_create(workspace=workspace, user=writer, title="Пост", body_json=DOC)
        url = f"/api/v1/posts/{post.pk}/shares/"
        assert api.post(url, {"user": address, "level": "editor"}, format="json").status_code == 201
        listed = api.get(url).json()
        assert [row["email"] for row in listed] == [address.lower()]
        lists.append([{**row, "email": "X", "share_id": 0} for row in listed])
        if address.startswith("READER"):
            # The account behind a verified address did get the share, unseen in the list.
            assert client_for(known).get(reverse("posts:detail", args=[post.pk])).status_code == 200
    assert lists[0] == lists[1] == [{"user": None, "level": "editor", "email": "X", "share_id": 0, "state": "invited"}]


def test_an_unknown_address_that_signs_up_and_verifies_gets_the_share(api_client_for, writer, draft):
    api = api_client_for(writer)
    url = f"/api/v1/posts/{draft.pk}/shares/"
    assert api.post(url, {"user": "Later@Example.com", "level": "commenter"}, format="json").status_code == 201
    browser = Client()
    mail.outbox.clear()
    response = browser.post(
        "/accounts/signup/",
        {
            "email": "later@example.com",
            "username": "later-ли",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
        },
    )
    assert response.status_code == 302
    assert not EmailShare.objects.get().user_id  # not before the address is verified
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    browser.post(link.split("testserver", 1)[1])
    share = EmailShare.objects.get()
    assert share.user is not None and share.user.username == "later-ли" and share.accepted_at is not None
    assert browser.get(reverse("posts:detail", args=[draft.pk])).status_code == 200
    # Nothing in the post's history says when (or that) the address was claimed.
    from apps.posts import selectors

    assert "post.share_email_accept" not in [entry.action for entry in selectors.audit_for_post(post=draft)]
    # The list still shows the address, not the account.
    listed = api.get(url).json()
    assert [(row["user"], row["email"], row["state"]) for row in listed] == [(None, "later@example.com", "invited")]


@pytest.mark.parametrize("known", [True, False])
def test_unshare_removes_the_row_and_the_access(api_client_for, client_for, writer, draft, known):
    reader = UserFactory(username="reader", email="reader@example.com") if known else None
    api = api_client_for(writer)
    url = f"/api/v1/posts/{draft.pk}/shares/"
    api.post(url, {"user": "reader@example.com", "level": "viewer"}, format="json")
    (row,) = api.get(url).json()
    assert api.delete(f"/api/v1/posts/{draft.pk}/email-shares/{row['share_id']}/").status_code == 204
    assert api.get(url).json() == [] and not EmailShare.objects.exists()
    if reader is not None:
        assert client_for(reader).get(reverse("posts:detail", args=[draft.pk])).status_code == 404
    # An unknown id answers the same.
    assert api.delete(f"/api/v1/posts/{draft.pk}/email-shares/999999/").status_code == 204


def test_unshare_on_the_page(client_for, writer, draft):
    reader = UserFactory(username="reader", email="reader@example.com")
    page = client_for(writer)
    share_url = reverse("posts:share", args=[draft.pk])
    page.post(share_url, {"user": "reader@example.com", "level": "editor"})
    assert client_for(reader).get(reverse("posts:detail", args=[draft.pk])).status_code == 200
    share = EmailShare.objects.get()
    page = client_for(writer)
    page.post(share_url, {"remove_email": str(share.pk)})
    assert "reader@example.com" not in page.get(share_url).content.decode()
    assert client_for(reader).get(reverse("posts:detail", args=[draft.pk])).status_code == 404


def test_an_address_verified_later_by_an_existing_account(writer, draft):
    """An account whose address was not verified gets nothing until it verifies it."""
    from allauth.account.models import EmailAddress

    person = UserFactory(username="unverified", email="slow@example.com")
    EmailAddress.objects.filter(user=person).update(verified=False)
    services.post_share_by_login(post=draft, user=writer, login="slow@example.com", level="viewer")
    assert not person.has_perm("posts.view_shared_post", draft)
    address = EmailAddress.objects.get(user=person)
    address.verified = True
    address.save()
    from allauth.account.signals import email_confirmed

    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert EmailShare.objects.get().user_id == person.pk


def test_a_guest_editor_cannot_probe_assignee_ids(api_client_for, writer, editor, outsider, draft):
    services.post_share(post=draft, user=writer, target_user=outsider, level="editor")
    stranger = UserFactory(username="stranger-陌生人")
    guest = api_client_for(outsider)
    url = f"/api/v1/posts/{draft.pk}/"
    answers = [
        guest.patch(url, {"version": draft.version, "assignee": user_id}, format="json")
        for user_id in (editor.pk, stranger.pk, 987654)
    ]
    assert {r.status_code for r in answers} == {403}
    assert answers[0].json() == answers[1].json() == answers[2].json()
    # Editing otherwise still works, and sending the current assignee back is no change.
    ok = guest.patch(url, {"version": draft.version, "title": "Правка", "assignee": None}, format="json")
    assert ok.status_code == 200
    # A member still gets the plain "must be a member" for a non-member.
    member = api_client_for(writer)
    refused = member.patch(url, {"version": ok.json()["version"], "assignee": stranger.pk}, format="json")
    assert refused.status_code == 400
