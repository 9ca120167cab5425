"""In Chromium: start a generation from an item and watch the text stream in over the websocket.

Honest set-up: the web app runs under uvicorn (asgi_live_server); generation runs in a real Celery
worker (solo pool, in a thread of the test process) consuming the Redis broker, not eagerly inside the
request; the model is the local OpenAI-compatible server, pacing its tokens 30 ms apart."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(settings):
    if not settings.REDIS_URL:
        pytest.skip("needs Redis for a real Celery broker")
    celery_app.conf.task_always_eager = False
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10):
            yield
    finally:
        celery_app.conf.task_always_eager = True


def test_generation_streams_into_the_page(
    asgi_live_server, celery_worker, page, writer, item, persona, openai_settings, fake_openai
):
    fake_openai.token_delay = 0.03
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/generate/?item={item.pk}")
    assert item.title in page.inner_text(".generate-source")
    page.uncheck("input[name=with_image]")
    page.check("input[name=format][value=article]")
    page.click("#generate-submit")
    page.wait_for_url("**/app/generate/jobs/*/")
    text = page.locator("#generation-text")
    # The text grows while the job is still running.
    page.wait_for_function("() => document.getElementById('generation-text').textContent.length > 20")
    first = len(text.text_content())
    assert page.get_attribute("#generation", "data-status") == "running"
    progress_first = float(page.get_attribute("#generation-progress", "value") or 0)
    time.sleep(0.5)
    second = len(text.text_content())
    assert second > first
    assert float(page.get_attribute("#generation-progress", "value") or 0) >= progress_first
    # When it finishes the page shows the post and its provenance.
    page.wait_for_selector("text=A new draft post was created.", timeout=20000)
    assert "The gap is now a matter of months" in page.inner_text("#generation-text")
    assert "fake-model" in page.inner_text(".provenance")
