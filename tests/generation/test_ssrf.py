"""The workspace's AI base URL is a user-typed address: the check runs when it is saved (API, form,
service) and again at every connection (the guarded transport under the SDK), a local model server is
let through only by the operator's AI_ALLOWED_PRIVATE_ORIGINS, and a stored key never follows a host
change. Tests run with FETCH_ALLOW_PRIVATE_NETWORKS=False; the fake servers listen on 127.0.0.1."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.generation.crypto import secret_encrypt
from apps.generation.models import AIProviderSettings, JobStatus
from apps.generation.services import ai_settings_update, generation_start

from .fake_openai import FakeOpenAI

pytestmark = pytest.mark.django_db

BLOCKED = [
    "http://169.254.169.254/latest/",
    "http://127.0.0.1:{port}/v1",
    "http://[::1]:{port}/v1",
    "http://localhost:{port}/v1",
    "http://[::ffff:127.0.0.1]:{port}/v1",
    "http://0177.0.0.1:{port}/v1",
    "http://2130706433:{port}/v1",
    "http://10.0.0.8/v1",
    "http://[fe80::1]/v1",
]


@pytest.fixture
def no_ai_allowance(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    settings.AI_ALLOWED_PRIVATE_ORIGINS = []


def _start(capture, **kwargs):
    with capture(execute=True):
        job = generation_start(**kwargs)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("template", BLOCKED)
def test_api_refuses_internal_base_urls(api_client_for, admin_member, workspace, no_ai_allowance, template):
    url = template.format(port=8765)
    client = api_client_for(admin_member, workspace)
    response = client.put(
        "/api/v1/ai-settings/", {"provider": "openai", "base_url": url, "api_key": "sk-new-key-9999"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "base_url" in response.content.decode()
    if "0177" not in url and "2130706433" not in url:  # these two are already not valid URLs
        assert "private or reserved" in response.content.decode()
    assert not AIProviderSettings.objects.filter(workspace=workspace, base_url=url).exists()


@pytest.mark.parametrize("template", BLOCKED[:5])
def test_settings_form_refuses_internal_base_urls(client_for, admin_member, workspace, no_ai_allowance, template):
    url = template.format(port=8765)
    response = client_for(admin_member).post(
        reverse("generation:settings"),
        {
            "provider": "openai",
            "base_url": url,
            "api_key": "sk-new-key-9999",
            "timeout_seconds": 30,
            "price_input_per_1k": "0",
            "price_output_per_1k": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "private or reserved" in response.content.decode()
    assert not AIProviderSettings.objects.filter(workspace=workspace, base_url=url).exists()


def test_service_refuses_internal_base_url(admin_member, workspace, no_ai_allowance):
    with pytest.raises(ValidationError) as info:
        ai_settings_update(
            user=admin_member,
            workspace=workspace,
            data={"provider": "openai", "base_url": "http://169.254.169.254/latest/", "api_key": "sk-x-12345678"},
        )
    assert "base_url" in info.value.message_dict


def test_odd_urls_are_a_clear_error(api_client_for, admin_member, workspace, no_ai_allowance):
    client = api_client_for(admin_member, workspace)
    for url in ("ftp://example.com/v1", "http://user:pw@example.com/v1", "http://exa\u0000mple.com/v1"):
        response = client.put("/api/v1/ai-settings/", {"provider": "openai", "base_url": url}, format="json")
        assert response.status_code == 400, (url, response.content)


def test_transport_refuses_loopback_saved_before_the_check(
    django_capture_on_commit_callbacks, writer, workspace, item, no_ai_allowance
):
    """A row stored before the save-time check (or a name that resolves elsewhere later): the worker's
    connection is refused by the guarded transport, the key never leaves, the job fails readably."""
    fake = FakeOpenAI().start()
    try:
        AIProviderSettings.objects.create(
            workspace=workspace,
            provider="openai",
            base_url=fake.base_url,
            model="fake-model",
            api_key_encrypted=secret_encrypt("sk-stored-for-openai-0000"),
            timeout_seconds=5,
        )
        job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
    finally:
        fake.stop()
    assert fake.requests == []
    assert job.status == JobStatus.FAILED
    assert "private or reserved" in job.error


def test_operator_allowance_lets_a_local_server_through(
    django_capture_on_commit_callbacks, settings, admin_member, writer, workspace, item
):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    fake = FakeOpenAI().start()
    try:
        origin = fake.base_url.removesuffix("/v1")
        settings.AI_ALLOWED_PRIVATE_ORIGINS = [origin]
        ai_settings_update(
            user=admin_member,
            workspace=workspace,
            data={"provider": "openai", "base_url": fake.base_url, "model": "fake-model", "timeout_seconds": 5},
        )
        job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert fake.requests
        # Another port on the same host is not what the operator allowed.
        other = FakeOpenAI().start()
        try:
            with pytest.raises(ValidationError):
                ai_settings_update(user=admin_member, workspace=workspace, data={"base_url": other.base_url})
            # ...and "localhost" is not "127.0.0.1": the origin is compared as written.
            with pytest.raises(ValidationError):
                ai_settings_update(
                    user=admin_member,
                    workspace=workspace,
                    data={"base_url": fake.base_url.replace("127.0.0.1", "localhost")},
                )
        finally:
            other.stop()
    finally:
        fake.stop()


def test_host_change_drops_the_stored_key(
    django_capture_on_commit_callbacks, settings, api_client_for, admin_member, writer, workspace, item
):
    """Changing the base URL's host (here: another port) without a new key drops the stored key, so
    the old secret never reaches the new host; the new host sees no key at all."""
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    first, second = FakeOpenAI().start(), FakeOpenAI().start()
    try:
        settings.AI_ALLOWED_PRIVATE_ORIGINS = [
            first.base_url.removesuffix("/v1"),
            second.base_url.removesuffix("/v1"),
        ]
        client = api_client_for(admin_member, workspace)
        body = {"provider": "openai", "base_url": first.base_url, "api_key": "sk-old-secret-7777", "model": "m"}
        assert client.put("/api/v1/ai-settings/", body, format="json").status_code == 200
        # Same host, another path: the key stays.
        same = client.patch("/api/v1/ai-settings/", {"base_url": first.base_url + "/"}, format="json").json()
        assert same["has_key"] is True
        moved = client.patch("/api/v1/ai-settings/", {"base_url": second.base_url}, format="json")
        assert moved.status_code == 200, moved.content
        assert moved.json()["has_key"] is False and moved.json()["api_key_hint"] == ""
        job = _start(django_capture_on_commit_callbacks, user=writer, workspace=workspace, item=item, with_image=False)
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert second.requests
        assert not any("sk-old-secret-7777" in (r.get("authorization") or "") for r in second.requests)
        # A new key in the same save as the host change is kept.
        back = client.patch(
            "/api/v1/ai-settings/", {"base_url": first.base_url, "api_key": "sk-new-secret-8888"}, format="json"
        ).json()
        assert back["has_key"] is True and back["api_key_hint"] == "…8888"
    finally:
        first.stop()
        second.stop()


def test_host_change_through_the_form_drops_the_key(client_for, settings, admin_member, workspace):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    settings.AI_ALLOWED_PRIVATE_ORIGINS = []
    AIProviderSettings.objects.create(
        workspace=workspace,
        provider="openai",
        base_url="",
        api_key_encrypted=secret_encrypt("sk-stored-for-openai-0000"),
        api_key_hint="…0000",
    )
    # An unresolvable public-looking name passes the save check (the send will say it cannot connect).
    response = client_for(admin_member).post(
        reverse("generation:settings"),
        {
            "provider": "openai",
            "base_url": "https://llm.invalid/v1",
            "timeout_seconds": 30,
            "price_input_per_1k": "0",
            "price_output_per_1k": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AIProviderSettings.objects.get(workspace=workspace)
    assert row.base_url == "https://llm.invalid/v1"
    assert row.api_key_encrypted == "" and row.has_key is False


def test_embeddings_client_is_guarded_too(settings):
    """The trends' OpenAI-compatible embeddings client: loopback refused before anything is sent (key
    included); the operator's allowance for the origin lets it through."""
    from apps.trends.embeddings import EmbeddingError, OpenAIProvider

    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    settings.AI_ALLOWED_PRIVATE_ORIGINS = []
    fake = FakeOpenAI().start()
    try:
        provider = OpenAIProvider(base_url=fake.base_url, model="e", api_key="sk-embed-secret")
        with pytest.raises(EmbeddingError, match="private or reserved"):
            provider.embed(["Привет, мир", "你好"])
        assert fake.requests == []
        settings.AI_ALLOWED_PRIVATE_ORIGINS = [fake.base_url.removesuffix("/v1")]
        with pytest.raises(EmbeddingError):  # the fake has no /embeddings: it answers, so it was reached
            provider.embed(["مرحبا"])
        assert fake.requests and fake.requests[0]["path"].endswith("/embeddings")
    finally:
        fake.stop()
