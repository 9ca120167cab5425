"""Bad input gets a clear error, never a 500: wrong passwords, unknown workspaces, malformed bodies,
expired or broken tokens, stale links — through the API and through the HTML pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import ApiToken
from tests.core.test_tenancy import _fill, api_endpoints

pytestmark = pytest.mark.django_db


# --- API ------------------------------------------------------------------------------------------
def _error(response):
    body = response.json()["error"]
    assert set(body) == {"code", "message", "details"}
    assert body["message"]
    return body


def test_unknown_user_and_wrong_password_read_the_same(api_client, writer):
    wrong = api_client.post("/api/v1/auth/token/", {"username": "writer", "password": "x"}, format="json")
    unknown = api_client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
    assert wrong.status_code == unknown.status_code == 401
    assert _error(wrong)["message"] == _error(unknown)["message"]


@pytest.mark.parametrize(
    ("method", "path"), [("patch", "/api/v1/me/"), ("post", "/api/v1/workspaces/"), ("post", "/api/v1/auth/token/")]
)
def test_malformed_json_everywhere_is_400(api_client_for, writer, method, path):
    client = api_client_for(writer)
    response = getattr(client, method)(path, data=b"{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in _error(response)["message"]


def test_wrong_content_type_is_415(api_client_for, writer):
    response = api_client_for(writer).post("/api/v1/workspaces/", data=b"name=x", content_type="text/csv")
    assert response.status_code == 415
    assert _error(response)["code"] == "unsupported_media_type"


def test_invalid_field_value_names_the_field(api_client_for, writer):
    response = api_client_for(writer).patch("/api/v1/me/", {"language": "klingon"}, format="json")
    assert response.status_code == 400
    assert "language" in _error(response)["details"]


def test_empty_workspace_name_is_400(api_client_for, writer):
    response = api_client_for(writer).post("/api/v1/workspaces/", {"name": ""}, format="json")
    assert response.status_code == 400
    assert "name" in _error(response)["details"]


@pytest.mark.parametrize("ref", ["999999", "no-such-team", "0", "-1", "x" * 300])
def test_unknown_workspace_refs_are_404(api_client_for, writer, ref):
    client = api_client_for(writer)
    response = client.get(f"/api/v1/workspaces/{ref}/members/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_a_nul_in_the_path_is_a_bad_request(api_client_for, writer):
    response = api_client_for(writer).get("/api/v1/workspaces/%00/members/")
    assert response.status_code == 400
    assert _error(response)["code"]


def test_unknown_workspace_header_on_every_list_endpoint_is_404_not_500(api_client_for, writer):
    client = api_client_for(writer)
    lists, _details = api_endpoints()
    statuses = {}
    for route, _cls in lists:
        url = _fill(route, "")
        statuses[url] = client.get(url, HTTP_X_WORKSPACE="999999").status_code
    assert all(status < 500 for status in statuses.values()), statuses
    scoped = {url: s for url, s in statuses.items() if "workspaces" not in url}
    assert all(status == 404 for status in scoped.values()), scoped


def test_expired_token_is_401_on_every_list_endpoint(api_client, writer):
    token, key = ApiToken.issue(user=writer)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    lists, _details = api_endpoints()
    for route, _cls in lists:
        response = api_client.get(_fill(route, ""))
        assert response.status_code == 401, route
        assert "expired" in _error(response)["message"], route
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Token \xff"])
def test_broken_authorization_headers_are_401(api_client, writer, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    _error(response)


def test_inactive_users_token_is_401(api_client_for, writer):
    client = api_client_for(writer)
    writer.is_active = False
    writer.save(update_fields=["is_active"])
    response = client.get("/api/v1/me/")
    assert response.status_code == 401


def test_unknown_api_path_is_404_not_500(api_client_for, writer):
    assert api_client_for(writer).get("/api/v1/no-such-thing/").status_code == 404


# --- HTML pages -----------------------------------------------------------------------------------
def test_login_with_empty_fields_shows_field_errors(client):
    response = client.post("/accounts/login/", {"login": "", "password": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_signup_with_mismatched_passwords_and_taken_username(client, writer):
    response = client.post(
        "/accounts/signup/",
        {"email": "n@example.com", "username": "writer", "password1": "a-long-pass-1", "password2": "other-pass-2"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "same password" in body
    assert "already" in body


def test_password_reset_for_unknown_email_does_not_leak(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302  # same answer as for a known address


def test_stale_links_are_clear_pages(client):
    response = client.get("/accounts/password/reset/key/1-bad-token/")
    assert response.status_code == 200
    assert "Bad Token" in response.content.decode() or "invalid" in response.content.decode().lower()
    response = client.get("/accounts/confirm-email/not-a-key/")
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("ref", ["999999", "abc", "", "1 OR 1=1"])
def test_switching_to_an_unknown_workspace_is_a_message(client_for, writer, ref):
    response = client_for(writer).post("/app/workspaces/switch/", {"workspace": ref}, follow=True)
    assert response.status_code == 200
    assert "Unknown workspace" in response.content.decode()


def test_switch_ignores_an_external_next_url(client_for, writer, workspace):
    response = client_for(writer).post("/app/workspaces/switch/", {"workspace": workspace.pk, "next": "https://evil"})
    assert response["Location"] == "/app/"


def test_switch_needs_post(client_for, writer):
    assert client_for(writer).get("/app/workspaces/switch/").status_code == 405


def test_unknown_workspace_header_on_a_page_is_not_a_500(client_for, writer):
    response = client_for(writer).get("/app/", HTTP_X_WORKSPACE="999999")
    assert response.status_code == 200
