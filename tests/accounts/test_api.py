from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_token_login_then_me(api_client, writer, workspace, password):
    response = api_client.post("/api/v1/auth/token/", {"username": "writer", "password": password}, format="json")
    assert response.status_code == 201, response.content
    key = response.json()["token"]
    assert key.startswith("tsk_")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == "writer"
    assert me["current_workspace"] == workspace.pk
    assert [m["role"] for m in me["memberships"]] == ["writer"]


def test_token_login_by_email(api_client, writer, password):
    response = api_client.post("/api/v1/auth/token/", {"username": writer.email, "password": password}, format="json")
    assert response.status_code == 201


def test_wrong_password_is_a_clear_401(api_client, writer):
    response = api_client.post("/api/v1/auth/token/", {"username": "writer", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "Wrong username or password."


def test_malformed_json_is_a_clear_400(api_client, writer):
    response = api_client.post("/api/v1/auth/token/", data=b'{"username": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["error"]["message"]


def test_missing_fields_name_the_field(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert "username" in body["details"]


def test_expired_token_is_a_clear_401(api_client, writer):
    token, key = ApiToken.issue(user=writer)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_garbage_token_is_401(api_client, writer):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer tsk_not-a-real-token")
    assert api_client.get("/api/v1/me/").status_code == 401


def test_revoke_token(api_client_for, writer):
    client = api_client_for(writer)
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert client.get("/api/v1/me/").status_code == 401


def test_unauthenticated_me_is_401_with_error_body(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_unknown_workspace_header_is_404(api_client_for, writer):
    client = api_client_for(writer)
    response = client.get("/api/v1/me/", HTTP_X_WORKSPACE="999999")
    assert response.status_code == 200  # /me/ still answers, without a current workspace
    response = client.get("/api/v1/workspaces/999999/")
    assert response.status_code == 404
    assert "Unknown workspace" in response.json()["error"]["message"]


def test_outsider_gets_404_on_foreign_workspace(api_client_for, outsider, workspace, writer):
    client = api_client_for(outsider)
    assert client.get(f"/api/v1/workspaces/{workspace.pk}/").status_code == 404
    assert client.get(f"/api/v1/workspaces/{workspace.slug}/").status_code == 404
    assert client.get(f"/api/v1/workspaces/{workspace.pk}/members/").status_code == 404
    listed = client.get("/api/v1/workspaces/").json()["results"]
    assert [m["workspace"]["slug"] for m in listed] == ["other-team"]


def test_create_workspace_makes_creator_admin(api_client_for, writer):
    client = api_client_for(writer)
    response = client.post("/api/v1/workspaces/", {"name": "Side Project"}, format="json")
    assert response.status_code == 201
    assert response.json()["role"] == "admin"
    assert response.json()["workspace"]["slug"] == "side-project"


def test_members_list_query_count_is_flat(api_client_for, members, workspace, django_assert_max_num_queries):
    client = api_client_for(members["admin"])
    with django_assert_max_num_queries(4):
        response = client.get(f"/api/v1/workspaces/{workspace.pk}/members/")
    assert len(response.json()) == 4


def test_schema_is_limited_to_our_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths)


def test_api_docs_page(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
