import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
def test_unmatched_api_path_is_a_json_404(client, method):
    response = getattr(client, method)("/api/v1/no-such-endpoint/-1/", content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No API endpoint at this address."


def test_schema_does_not_list_the_catch_all(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert not any("{" not in p and p.endswith("$") for p in paths)
    assert all("^" not in p for p in paths)
