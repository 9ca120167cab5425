import json
import re

import pytest
from django.core import mail

from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_app_requires_login(client):
    response = client.get("/app/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_login_through_the_real_page(client, writer, password):
    response = client.post("/accounts/login/", {"login": "writer", "password": password}, follow=True)
    assert response.redirect_chain[-1][0] == "/app/"
    assert b"Newsroom" in response.content


def test_wrong_password_shows_an_error(client, writer):
    response = client.post("/accounts/login/", {"login": "writer", "password": "wrong"})
    assert response.status_code == 200
    assert b"not correct" in response.content


def test_signup_sends_verification_then_login_works(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "username": "newbie",
            "password1": "a-long-pass-phrase-1",
            "password2": "a-long-pass-phrase-1",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newbie").exists()
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[1]
    client.post(path)
    client.logout()
    response = client.post("/accounts/login/", {"login": "newbie", "password": "a-long-pass-phrase-1"}, follow=True)
    assert response.redirect_chain[-1][0] == "/app/"
    assert b"No workspace yet" in response.content


def test_password_reset_sends_mail(client, writer):
    response = client.post("/accounts/password/reset/", {"email": writer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_workspace_switch(client_for, writer, other_workspace):
    from tests.factories import MembershipFactory

    MembershipFactory(workspace=other_workspace, user=writer, role="editor")
    c = client_for(writer)
    response = c.post("/app/workspaces/switch/", {"workspace": other_workspace.pk, "next": "/app/"}, follow=True)
    assert b"Other Team" in response.content
    assert "Editor" in response.content.decode()


def test_switch_to_foreign_workspace_is_refused(client_for, writer, other_workspace):
    c = client_for(writer)
    response = c.post("/app/workspaces/switch/", {"workspace": other_workspace.pk}, follow=True)
    assert b"Unknown workspace" in response.content
    assert c.session.get("workspace_id") is None


@pytest.mark.parametrize(
    "path",
    [
        "/app/",
        "/app/sources/",
        "/app/trends/",
        "/app/posts/",
        "/app/personas/",
        "/app/publishing/",
        "/app/workspaces/members/",
        "/app/workspaces/new/",
        "/app/audit/",
        "/app/account/tokens/",
    ],
)
def test_every_section_renders(client_for, writer, path):
    response = client_for(writer).get(path)
    assert response.status_code == 200


def test_language_switch_to_russian(client_for, writer):
    c = client_for(writer)
    c.post("/i18n/setlang/", {"language": "ru", "next": "/app/"})
    response = c.get("/app/")
    assert "Панель" in response.content.decode()


def test_sign_in_page_in_russian(client):
    client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    body = client.get("/accounts/login/").content.decode()
    assert "Войти" in body
    assert 'lang="ru"' in body


def test_browser_script_strings_come_in_the_chosen_language(client_for, writer):
    c = client_for(writer)
    assert "/jsi18n/" in c.get("/app/").content.decode()
    c.post("/i18n/setlang/", {"language": "ru", "next": "/app/"})
    catalog = c.get("/jsi18n/")
    assert catalog.status_code == 200
    assert json.dumps("Несохранённые изменения") in catalog.content.decode()
