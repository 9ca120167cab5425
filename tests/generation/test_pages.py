"""Generation pages: the dialog from a trend, an item or a topic; the job page; settings; refine."""

from __future__ import annotations

import pytest

from apps.generation.models import GenerationJob

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["", "?topic=Batteries"])
def test_dialog_for_a_topic(client_for, writer, query):
    response = client_for(writer).get(f"/app/generate/{query}")
    assert response.status_code == 200
    assert b'name="topic"' in response.content


def test_dialog_from_trend_and_item(client_for, writer, trend, item):
    client = client_for(writer)
    assert trend.title.encode() in client.get(f"/app/generate/?trend={trend.pk}").content
    assert item.title.encode() in client.get(f"/app/generate/?item={item.pk}").content


def test_dialog_hides_foreign_trends(client_for, outsider, trend):
    assert client_for(outsider).get(f"/app/generate/?trend={trend.pk}").status_code == 404


def test_post_dialog_starts_and_shows_the_job(django_capture_on_commit_callbacks, client_for, writer, item, persona):
    client = client_for(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/app/generate/?item={item.pk}",
            {"item": item.pk, "persona": persona.pk, "format": "article", "with_image": "on"},
        )
    job = GenerationJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/app/generate/jobs/{job.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"Provenance" in page.content and job.post.title.encode()[:20] in page.content
    assert client.get("/app/generate/jobs/").status_code == 200


def test_settings_page_never_renders_the_key(client_for, admin_member, workspace):
    client = client_for(admin_member)
    response = client.post(
        "/app/generate/settings/",
        {
            "provider": "openai",
            "base_url": "https://llm.invalid/v1",
            "model": "m",
            "api_key": "sk-page-secret-0000",
            "timeout_seconds": 30,
            "price_input_per_1k": "0",
            "price_output_per_1k": "0",
        },
    )
    assert response.status_code == 302
    page = client.get("/app/generate/settings/")
    assert b"sk-page-secret" not in page.content and "…0000".encode() in page.content
