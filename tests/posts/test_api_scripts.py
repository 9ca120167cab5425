"""The API stores and returns every character: documents in many scripts next to formatting, titles
and tags with characters a database cannot hold, and suggestions whose offsets count code points
(an emoji is one, as in the editor), on PostgreSQL and SQLite alike."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from apps.posts.document import document_clean, document_to_text

from .documents import REGRESSIONS, documents

pytestmark = pytest.mark.django_db


def test_every_regression_document_round_trips_through_the_api(workspace, writer, api_client_for):
    client = api_client_for(writer, workspace)
    for doc in REGRESSIONS:
        created = client.post("/api/v1/posts/", {"title": "«Заголовок» 👩‍💻", "body_json": doc}, format="json")
        assert created.status_code == 201, created.content
        detail = client.get(f"/api/v1/posts/{created.json()['id']}/").json()
        assert detail["body_json"] == document_clean(doc)
        assert detail["body_text"] == document_to_text(document_clean(doc))
        assert detail["title"] == "«Заголовок» 👩‍💻"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents)
def test_generated_documents_round_trip_through_the_api(doc, workspace, writer, api_client_for):
    client = api_client_for(writer, workspace)
    created = client.post("/api/v1/posts/", {"title": "Generated", "body_json": doc}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["body_json"] == doc


def test_nul_is_a_clear_error_in_fields_and_dropped_inside_a_document(workspace, writer, api_client_for):
    client = api_client_for(writer, workspace)
    body = {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "a\u0000b"}]}]}
    refused = client.post("/api/v1/posts/", {"title": "Ti\u0000tle", "body_json": body}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["details"]["title"]
    created = client.post("/api/v1/posts/", {"title": "Title", "body_json": body}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["body_text"] == "ab"


def test_suggestion_offsets_count_code_points(workspace, writer, editor, api_client_for):
    text = "👨‍👩‍👧‍👦 🇺🇦 Слово важное здесь."
    doc = {"type": "doc", "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}]}
    post = api_client_for(writer, workspace).post("/api/v1/posts/", {"title": "T", "body_json": doc}, format="json")
    post_id = post.json()["id"]
    start = text.index("важное")
    suggestion = api_client_for(editor, workspace).post(
        f"/api/v1/posts/{post_id}/suggestions/",
        {"start": start, "end": start + len("важное"), "replacement": "главное"},
        format="json",
    )
    assert suggestion.status_code == 201, suggestion.content
    assert suggestion.json()["anchor"]["quote"] == "важное"
    accepted = api_client_for(writer, workspace).post(
        f"/api/v1/posts/{post_id}/suggestions/{suggestion.json()['id']}/accept/"
    )
    assert accepted.status_code == 200
    detail = api_client_for(writer, workspace).get(f"/api/v1/posts/{post_id}/").json()
    assert detail["body_text"] == text.replace("важное", "главное")
