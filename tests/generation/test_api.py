"""Generation API: start, status, cancel, refine, accept; settings never return the key; scoping."""

from __future__ import annotations

import pytest

from apps.generation.models import GenerationJob
from apps.posts.services import post_create

pytestmark = pytest.mark.django_db


def test_start_then_status(django_capture_on_commit_callbacks, api_client_for, writer, workspace, persona, item):
    client = api_client_for(writer, workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/generations/",
            {"persona": persona.pk, "item": item.pk, "format": "thread", "with_image": False},
            format="json",
        )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/generations/{job_id}/").json()
    assert body["status"] == "succeeded" and body["post"] and body["provider"] == "offline"
    assert body["items_cited"][0]["id"] == item.pk
    assert body["prompt_version"] and body["completion_tokens"] > 0


def test_start_needs_a_subject(api_client_for, writer, workspace):
    response = api_client_for(writer, workspace).post("/api/v1/generations/", {"format": "article"}, format="json")
    assert response.status_code == 400
    assert "topic" in response.json()["error"]["details"]


def test_list_is_scoped_and_query_count_is_pinned(django_assert_num_queries, api_client_for, writer, workspace, item):
    for n in range(3):
        GenerationJob.objects.create(workspace=workspace, topic=f"t{n}", created_by=writer)
    client = api_client_for(writer, workspace)
    client.get("/api/v1/generations/")  # warm the membership cache paths
    with django_assert_num_queries(4):  # token+user, membership, count, page
        response = client.get("/api/v1/generations/")
    assert response.json()["count"] == 3


def test_outsider_gets_404(api_client_for, outsider, writer, workspace):
    job = GenerationJob.objects.create(workspace=workspace, topic="secret", created_by=writer)
    client = api_client_for(outsider)
    assert client.get(f"/api/v1/generations/{job.pk}/").status_code == 404
    assert client.post(f"/api/v1/generations/{job.pk}/cancel/").status_code == 404


def test_cancel_over_api(api_client_for, writer, workspace, item):
    client = api_client_for(writer, workspace)
    job = GenerationJob.objects.create(workspace=workspace, topic="x", created_by=writer)
    response = client.post(f"/api/v1/generations/{job.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert client.post(f"/api/v1/generations/{job.pk}/cancel/").status_code == 409


def test_refine_and_accept_over_api(django_capture_on_commit_callbacks, api_client_for, writer, workspace):
    post = post_create(
        workspace=workspace,
        user=writer,
        title="T",
        body_json={
            "type": "doc",
            "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "We can't stop now, it's gonna be big."}]}
            ],
        },
    )
    client = api_client_for(writer, workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/refinements/", {"post": post.pk, "action": "formal"}, format="json")
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/generations/{job_id}/").json()
    assert body["decision"] == "pending" and body["result"]["suggestions"]
    assert client.post(f"/api/v1/generations/{job_id}/accept/").json()["decision"] == "accepted"
    post.refresh_from_db()
    assert "cannot" in post.body_text


def test_ai_settings_never_return_the_key(api_client_for, admin_member, writer, workspace):
    client = api_client_for(admin_member, workspace)
    response = client.put(
        "/api/v1/ai-settings/",
        {"provider": "openai", "api_key": "sk-secret-value-4321", "model": "gpt-4o-mini"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert "sk-secret" not in response.content.decode()
    body = client.get("/api/v1/ai-settings/").json()
    assert body["has_key"] is True and body["api_key_hint"] == "…4321" and "api_key" not in body
    assert (
        api_client_for(writer, workspace).put("/api/v1/ai-settings/", {"model": "x"}, format="json").status_code == 403
    )
    assert client.get("/api/v1/token-usage/").status_code == 200
