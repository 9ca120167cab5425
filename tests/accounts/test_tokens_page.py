"""The API tokens page: create (key shown once, usable), list, revoke; nobody else's tokens."""

import pytest

from apps.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_create_use_and_revoke_a_token(client_for, writer, api_client):
    c = client_for(writer)
    response = c.post("/app/account/tokens/", {"name": "phone"})
    key = response.context["new_key"]
    assert key.startswith("tsk_") and key in response.content.decode()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api_client.get("/api/v1/me/").json()["username"] == "writer"

    page = c.get("/app/account/tokens/").content.decode()
    assert "phone" in page and key not in page  # listed by prefix only
    token = ApiToken.objects.get(user=writer, name="phone")
    c.post(f"/app/account/tokens/{token.pk}/revoke/")
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert api_client.get("/api/v1/me/").status_code == 401


def test_cannot_see_or_revoke_someone_elses_token(client_for, writer, outsider):
    token, _key = ApiToken.issue(user=writer, name="mine")
    c = client_for(outsider)
    assert "mine" not in c.get("/app/account/tokens/").content.decode()
    assert c.post(f"/app/account/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_empty_state(client_for, writer):
    assert "No tokens yet" in client_for(writer).get("/app/account/tokens/").content.decode()
