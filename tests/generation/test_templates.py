"""Post templates: per workspace, the starters, picked when generating (the model gets their instructions and
structure) or when starting a post (the structure becomes the body)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.errors import InvalidInput
from apps.generation.models import JobStatus, PostTemplate
from apps.generation.services import generation_start
from apps.generation.services_studio import (
    post_from_template,
    template_create,
    template_update,
    templates_add_starters,
)

pytestmark = pytest.mark.django_db


def test_starters_are_added_once_and_names_are_unique(writer, workspace):
    made = templates_add_starters(user=writer, workspace=workspace)
    assert {t.kind for t in made} == {"listicle", "explainer", "breaking", "newsletter", "thread"}
    assert templates_add_starters(user=writer, workspace=workspace) == []
    with pytest.raises(InvalidInput):
        template_create(user=writer, workspace=workspace, data={"name": "listicle"})


def test_templates_belong_to_their_workspace(client, writer, workspace, outsider, other_workspace):
    template = template_create(user=writer, workspace=workspace, data={"name": "Разбор 解説", "structure": "## A"})
    client.force_login(outsider)
    assert client.get(reverse("generation:template", args=[template.pk])).status_code == 404
    assert client.get(f"/api/v1/post-templates/{template.pk}/").status_code == 404
    assert client.post(reverse("generation:template_new_post", args=[template.pk])).status_code == 404


def test_a_post_started_from_a_template_has_its_structure(client, writer, workspace):
    template = template_create(
        user=writer,
        workspace=workspace,
        data={"name": "Explainer", "structure": "## Что случилось\n\n## 为什么重要\n\n- первый пункт 👩‍👩‍👧"},
    )
    post = post_from_template(user=writer, template=template, title="")
    assert post.title == "Explainer"
    assert post.body_text.split("\n") == ["Что случилось", "为什么重要", "первый пункт 👩‍👩‍👧"]
    client.force_login(writer)
    response = client.post(reverse("generation:template_new_post", args=[template.pk]), {"title": "Мой пост"})
    assert response.status_code == 302 and "/app/posts/" in response["Location"]


def test_generation_with_a_template_sends_its_instructions_and_structure(
    django_capture_on_commit_callbacks, writer, workspace, item, openai_settings, fake_openai
):
    (thread,) = [t for t in templates_add_starters(user=writer, workspace=workspace) if t.kind == "thread"]
    template_update(user=writer, template=thread, data={"prompt": "Write exactly five posts. 五つ。"})
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, fmt="article", template=thread)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.format == "thread"  # the template's format wins
    assert job.options["template"]["name"] == "Thread"
    prompt = [r for r in fake_openai.requests if r["body"].get("stream")][0]["body"]["messages"][-1]["content"]
    assert "Write exactly five posts. 五つ。" in prompt and "1/ Hook" in prompt


def test_offline_generation_with_a_template_uses_its_format(
    django_capture_on_commit_callbacks, writer, workspace, item
):
    newsletter = PostTemplate.objects.create(workspace=workspace, name="NL", format="newsletter", kind="newsletter")
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, template=newsletter, with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.format == "newsletter"


def test_pages_and_api(client, writer, workspace):
    client.force_login(writer)
    page = client.get(reverse("generation:templates"))
    assert page.status_code == 200 and "No templates yet" in page.content.decode()
    client.post(reverse("generation:templates"), {"starters": "1"})
    html = client.get(reverse("generation:templates")).content.decode()
    assert "Breaking news" in html and "New post from it" in html
    created = client.post(
        "/api/v1/post-templates/",
        {"name": "Q&A", "kind": "custom", "format": "article", "structure": "## Q\n\n## A"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    listed = client.get("/api/v1/post-templates/").json()
    names = [t["name"] for t in listed.get("results", listed)]
    assert "Q&A" in names and len(names) == 6
    generate = client.get(reverse("generation:generate") + f"?template={created.json()['id']}").content.decode()
    assert 'name="template"' in generate and "Q&amp;A" in generate
