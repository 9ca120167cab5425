"""allauth's headless API for app clients: login gives a session token that our API accepts too."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LOGIN = "/_allauth/app/v1/auth/login"
SESSION = "/_allauth/app/v1/auth/session"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, format="json")


def test_headless_login_gives_a_session_token_that_works_everywhere(writer, workspace, password):
    client = APIClient()
    response = _login(client, "writer", password)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["data"]["user"]["username"] == "writer"
    token = body["meta"]["session_token"]
    assert token

    fresh = APIClient()
    fresh.credentials(HTTP_X_SESSION_TOKEN=token)
    assert fresh.get(SESSION).json()["data"]["user"]["username"] == "writer"
    me = fresh.get("/api/v1/me/")
    assert me.status_code == 200, me.content
    assert me.json()["current_workspace"] == workspace.pk

    assert fresh.delete(SESSION).status_code == 401  # logged out: allauth answers 401 with the flows
    assert fresh.get("/api/v1/me/").status_code == 401


def test_headless_login_by_email(writer, password):
    response = APIClient().post(LOGIN, {"email": writer.email, "password": password}, format="json")
    assert response.status_code == 200, response.content


def test_headless_wrong_password_is_a_clear_400(writer):
    response = _login(APIClient(), "writer", "wrong")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and errors[0]["param"] == "password"
    assert "not correct" in errors[0]["message"]


def test_headless_malformed_json_is_400_not_500(writer):
    response = APIClient().post(LOGIN, data=b'{"username": ', content_type="application/json")
    assert response.status_code == 400


def test_headless_unknown_session_token_is_401(writer):
    client = APIClient()
    client.credentials(HTTP_X_SESSION_TOKEN="not-a-session")
    assert client.get(SESSION).status_code in (401, 410)
    assert client.get("/api/v1/me/").status_code == 401


def test_headless_unverified_email_cannot_log_in(db, password):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(username="unverified")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = _login(APIClient(), "unverified", password)
    assert response.status_code == 401
    pending = [flow for flow in response.json()["data"]["flows"] if flow.get("is_pending")]
    assert pending and pending[0]["id"] == "verify_email"
