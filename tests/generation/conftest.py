"""Fixtures for generation tests: the local OpenAI-compatible server, personas, sources."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.generation.crypto import secret_encrypt
from apps.generation.models import AIProviderSettings
from apps.personas.models import Persona
from apps.personas.services import persona_sample_add

from .fake_openai import FakeOpenAI

ARTICLE_TEXT = (
    "Researchers at the Example Institute released an open language model on Monday. The model matches "
    "proprietary systems on several reasoning benchmarks. “This is the first time an open model has "
    "reached parity on these tasks,” said Jane Doe, who led the evaluation. Independent labs reproduced "
    "the benchmark results within a day. The weights are available under a permissive licence. Critics "
    "note that the benchmarks cover only English. The institute plans a multilingual release next year. "
    "Cloud providers have already announced hosted versions of the model!"
)


@pytest.fixture
def fake_openai(settings):
    server = FakeOpenAI().start()
    # The operator's allowance for a local model server (the guarded transport refuses 127.0.0.1 otherwise).
    settings.AI_ALLOWED_PRIVATE_ORIGINS = [server.base_url.removesuffix("/v1")]
    yield server
    server.stop()


@pytest.fixture
def openai_settings(workspace, fake_openai):
    return AIProviderSettings.objects.create(
        workspace=workspace,
        provider="openai",
        base_url=fake_openai.base_url,
        model="fake-model",
        image_model="fake-image",
        speech_model="fake-tts",
        api_key_encrypted=secret_encrypt("sk-test-secret-1234"),
        api_key_hint="…1234",
        timeout_seconds=5,
    )


@pytest.fixture
def persona(workspace, editor):
    persona = Persona.objects.create(
        workspace=workspace,
        name="Ada",
        voice="dry, precise",
        audience="engineers",
        language="en",
        topics=["AI"],
        rules_always=['end with "Worth watching."', "cite sources"],
        rules_never=["exclamation marks", "critics"],
    )
    persona_sample_add(
        user=editor,
        persona=persona,
        title="One",
        text="Release notes are honest. They say what changed. Worth watching: the changelog.",
    )
    persona_sample_add(
        user=editor,
        persona=persona,
        title="Two",
        text="A benchmark without a baseline is a number. Worth watching: the scripts.",
    )
    return persona


@pytest.fixture
def item(workspace):
    from apps.sources.models import Item, Source

    source = Source.objects.create(workspace=workspace, name="Example News", url="https://example.com/feed.xml")
    return Item.objects.create(
        workspace=workspace,
        source=source,
        guid="1",
        url="https://example.com/news/1",
        canonical_url="https://example.com/news/1",
        title="Open model reaches parity",
        author="Sam Writer",
        published_at=timezone.now(),
        text=ARTICLE_TEXT,
        content_hash="x" * 64,
    )


@pytest.fixture
def trend(workspace):
    from apps.trends.models import Trend

    return Trend.objects.create(
        workspace=workspace, title="Open models catch up", keywords=["open", "model"], summary=ARTICLE_TEXT
    )
