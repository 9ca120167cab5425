import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_healthz_reports_every_part(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_seed_demo_is_idempotent_and_site_serves(client):
    call_command("seed_demo", quiet=True)
    call_command("seed_demo", quiet=True)
    from apps.accounts.models import Membership, Workspace

    assert Workspace.objects.filter(slug="demo").count() == 1
    assert Membership.objects.filter(workspace__slug="demo").count() == 4
    assert client.get("/").status_code == 200
    # each workspace has its own site, under its slug on the default host
    assert client.get("/demo/articles/").status_code == 200
    assert client.login(username="admin", password="trendoscope-demo")
    assert client.get("/admin/").status_code == 200
    assert client.get("/cms/").status_code == 200
