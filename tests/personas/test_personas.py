"""Persona services, pages and API: roles, scoping, samples and the learned profile."""

from __future__ import annotations

import pytest

from apps.core.errors import Conflict, Forbidden
from apps.personas.demo import seed
from apps.personas.models import Persona, StyleProfile
from apps.personas.services import persona_create, persona_sample_add, persona_style_learn
from apps.posts.models import PostState
from apps.posts.services import post_create

pytestmark = pytest.mark.django_db

SAMPLE = "Release notes are honest. They say what changed. Worth watching: the changelog. Read them first."


def test_editor_creates_writer_cannot(editor, writer, workspace):
    persona = persona_create(user=editor, workspace=workspace, data={"name": "Ada", "topics": "AI\nopen source\n"})
    assert persona.topics == ["AI", "open source"]
    with pytest.raises(Forbidden):
        persona_create(user=writer, workspace=workspace, data={"name": "Bob"})
    with pytest.raises(Conflict):
        persona_create(user=editor, workspace=workspace, data={"name": "Ada"})


def test_profile_learns_from_samples_and_published_posts(editor, workspace):
    persona = persona_create(user=editor, workspace=workspace, data={"name": "Ada"})
    persona_sample_add(user=editor, persona=persona, text=SAMPLE)
    profile = StyleProfile.objects.get(persona=persona)
    assert profile.sample_count == 1 and profile.post_count == 0 and profile.word_count > 10
    post = post_create(
        workspace=workspace,
        user=editor,
        title="P",
        persona=persona,
        body_json={
            "type": "doc",
            "content": [
                {
                    "type": "paragraph",
                    "content": [{"type": "text", "text": "Worth watching: the changelog again. It matters."}],
                }
            ],
        },
    )
    type(post).objects.filter(pk=post.pk).update(state=PostState.PUBLISHED)
    profile = persona_style_learn(persona=persona)
    assert profile.post_count == 1
    assert any("worth watching" in p["phrase"] for p in profile.phrases)


def test_pages(client_for, editor, writer, outsider, workspace):
    client = client_for(editor)
    assert client.get("/app/personas/").status_code == 200
    response = client.post(
        "/app/personas/new/",
        {"name": "Ada", "language": "en", "voice": "dry", "rules_never": "emoji\nexclamation marks"},
    )
    persona = Persona.objects.get(name="Ada")
    assert response.status_code == 302 and persona.rules_never == ["emoji", "exclamation marks"]
    assert client.post(f"/app/personas/{persona.pk}/samples/", {"text": SAMPLE, "title": "S"}).status_code == 302
    page = client.get(f"/app/personas/{persona.pk}/").content.decode()
    assert "Style profile" in page and "Average sentence length" in page and "Reading level" in page
    scored = client.post(f"/app/personas/{persona.pk}/", {"text": "Wow!!! Amazing 🔥🔥 #yes"}).content.decode()
    assert "Style match" in scored and "/100" in scored
    edit = client.post(f"/app/personas/{persona.pk}/edit/", {"name": "Ada L", "language": "en"})
    assert edit.status_code == 302 and Persona.objects.get(pk=persona.pk).name == "Ada L"
    assert client_for(outsider).get(f"/app/personas/{persona.pk}/").status_code == 404
    assert client_for(writer).get(f"/app/personas/{persona.pk}/samples/").status_code == 200
    assert client_for(writer).post(f"/app/personas/{persona.pk}/delete/").status_code == 403
    assert client.post(f"/app/personas/{persona.pk}/delete/").status_code == 302
    assert not Persona.objects.filter(pk=persona.pk).exists()


def test_api_crud_samples_and_style_match(
    django_assert_num_queries, api_client_for, editor, writer, outsider, workspace
):
    client = api_client_for(editor, workspace)
    created = client.post("/api/v1/personas/", {"name": "Ada", "rules_always": ["cite sources"]}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"/api/v1/personas/{pk}/samples/", {"text": SAMPLE}, format="json").status_code == 201
    body = client.get(f"/api/v1/personas/{pk}/").json()
    assert body["style_profile"]["sample_count"] == 1
    match = client.post(f"/api/v1/personas/{pk}/style-match/", {"text": SAMPLE}, format="json").json()
    assert match["score"] >= 80
    assert client.patch(f"/api/v1/personas/{pk}/", {"voice": "dry"}, format="json").json()["voice"] == "dry"
    assert api_client_for(writer, workspace).post("/api/v1/personas/", {"name": "X"}, format="json").status_code == 403
    assert api_client_for(outsider).get(f"/api/v1/personas/{pk}/").status_code == 404
    persona_create(user=editor, workspace=workspace, data={"name": "Bea"})
    client.get("/api/v1/personas/")
    with django_assert_num_queries(4):
        listing = client.get("/api/v1/personas/").json()
    assert listing["count"] == 2
    sample_id = client.get(f"/api/v1/personas/{pk}/samples/").json()[0]["id"]
    assert client.delete(f"/api/v1/personas/{pk}/samples/{sample_id}/").status_code == 204
    assert client.delete(f"/api/v1/personas/{pk}/").status_code == 204


def test_demo_seed_is_idempotent(workspace, members):
    seed(workspace=workspace, users=members)
    seed(workspace=workspace, users=members)
    assert Persona.objects.filter(workspace=workspace).count() == 2
    ada = Persona.objects.get(workspace=workspace, name="Ada the Analyst")
    assert ada.samples.count() == 3 and ada.style_profile.word_count > 50


def test_persona_colour_is_validated_saved_and_shown(client, workspace, editor):
    from apps.core.errors import InvalidInput
    from apps.personas.services import persona_create, persona_update

    persona = persona_create(user=editor, workspace=workspace, data={"name": "Цвет", "color": "#1F6FEB"})
    assert persona.color == "#1f6feb"
    with pytest.raises(InvalidInput):
        persona_update(user=editor, persona=persona, data={"color": "red; background:url(x)"})
    client.force_login(editor)
    html = client.get(f"/app/personas/{persona.pk}/").content.decode()
    assert 'style="background-color: #1f6feb"' in html
    api = client.patch(f"/api/v1/personas/{persona.pk}/", {"color": "#00aa00"}, content_type="application/json")
    assert api.status_code == 200 and api.json()["color"] == "#00aa00"
