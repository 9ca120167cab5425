"""In Chromium: the post editor's "Ask the AI" panel (a conversation answered with suggestions accepted or
rejected one by one, the editor picking up the accepted text), dictation (a fake microphone recorded by
MediaRecorder, transcribed by the local Whisper-compatible server, inserted at the cursor; without a
provider the button explains what is needed), and the rendered video playing in a <video> element."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.posts.document import markup_to_document
from apps.posts.models import Post
from apps.posts.services import post_create
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Открытые модели 👩‍👩‍👧 догоняют закрытые. The weights are open.\n\n"
    "研究者は新しいモデルを公開した。 Critics are loud. Critics are loud.\n"
)


@pytest.fixture
def chromium(_playwright):
    """Chromium with a fake microphone (a test tone) that needs no permission prompt."""
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            "--autoplay-policy=no-user-gesture-required",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def channels_fresh():
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def post(writer, workspace):
    return post_create(workspace=workspace, user=writer, title="Студия", body_json=markup_to_document(TEXT))


def _editor_text(page) -> str:
    return page.evaluate("() => window.postPage.editor.state.doc.textContent")


def test_refine_conversation_in_the_editor(
    channels_fresh, asgi_live_server, page, writer, post, openai_settings, fake_openai
):
    fake_openai.draft = TEXT.replace("The weights are open.", "The weights are open. “完全公開” — 研究者 🎉").replace(
        "Critics are loud. Critics are loud.", "Critics are loud."
    )
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/posts/{post.pk}/")
    panel = page.locator("#refine-panel")
    expect(panel).to_contain_text("Ask the AI")
    expect(panel.locator("[data-refine-empty]")).to_be_visible()
    page.fill("#refine-instruction", "Add a quote from the second source and remove the repetition")
    page.click("#refine-send")
    changes = panel.locator(".refine-change")
    expect(changes).to_have_count(2, timeout=20000)
    expect(panel.locator(".refine-turn .ask")).to_have_text(
        ["Add a quote from the second source and remove the repetition"]
    )
    # Accept the quote, reject the other change.
    quote = changes.filter(has_text="完全公開")
    quote.locator("[data-refine-accept]").click()
    expect(quote).to_have_attribute("data-state", "accepted")
    page.wait_for_function("() => window.postPage.editor.state.doc.textContent.includes('完全公開')", timeout=15000)
    changes.filter(has_text="Critics").locator("[data-refine-reject]").click()
    expect(changes.filter(has_text="Critics")).to_have_attribute("data-state", "rejected")
    body = Post.objects.get(pk=post.pk).body_text
    assert "“完全公開” — 研究者 🎉" in body and body.count("Critics are loud.") == 2
    assert "完全公開" in _editor_text(page)
    # The conversation is kept on the post: it is there after a reload.
    page.reload()
    expect(page.locator("#refine-panel .refine-turn")).to_have_count(1)


def test_offline_the_panel_does_what_rules_can_and_says_when_a_model_is_needed(
    channels_fresh, asgi_live_server, page, writer, post
):
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/posts/{post.pk}/")
    panel = page.locator("#refine-panel")
    panel.locator("[data-instruction='Remove repetition']").click()
    expect(panel.locator(".refine-change")).to_have_count(1, timeout=20000)
    panel.locator("[data-instruction='Add a quote from the second source']").click()
    expect(panel.locator(".refine-turn").nth(1).locator(".answer")).to_contain_text("needs an AI model", timeout=20000)
    # Dictation explains what it needs instead of recording.
    expect(page.locator("#dictate-help")).to_contain_text("speech-to-text")
    page.click("#dictate-button")
    expect(page.locator("#dictate-button")).to_have_attribute("aria-pressed", "false")


def test_dictation_records_and_inserts_at_the_cursor(
    channels_fresh, asgi_live_server, page, writer, post, openai_settings, fake_openai
):
    fake_openai.transcript = "Диктовка 世界 👋"
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/posts/{post.pk}/")
    page.wait_for_function(
        "() => window.postPage && window.postPage.editor && window.postPage.editor.state.doc.textContent.includes('закрытые.')"
    )
    # The cursor after "закрытые." in the first paragraph.
    page.evaluate(
        """() => {
            const editor = window.postPage.editor;
            let at = null;
            editor.state.doc.descendants((node, pos) => {
                if (at === null && node.isText && node.text.includes('закрытые.')) at = pos + node.text.indexOf('закрытые.') + 'закрытые.'.length;
            });
            editor.commands.focus();
            editor.commands.setTextSelection(at);
        }"""
    )
    page.click("#dictate-button")
    expect(page.locator("#dictate-button")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1200)
    page.click("#dictate-button")
    page.wait_for_function(
        "() => window.postPage.editor.state.doc.textContent.includes('Диктовка 世界 👋')", timeout=15000
    )
    assert "закрытые. Диктовка 世界 👋 The weights" in _editor_text(page)
    expect(page.locator("#dictate-help")).to_contain_text("Inserted at the cursor")
    (sent,) = [r for r in fake_openai.requests if r["path"].endswith("/audio/transcriptions")]
    audio = sent["parts"]["file"]
    assert audio["content_type"] in ("audio/webm", "video/webm", "audio/ogg") and len(audio["data"]) > 1000


def test_rendered_video_plays_in_the_job_page(
    channels_fresh, asgi_live_server, page, settings, writer, workspace, trend
):
    import shutil

    from apps.generation.models import GenerationJob
    from apps.generation.services import generation_start

    if not shutil.which("ffmpeg"):
        pytest.skip("ffmpeg")
    settings.ROOT_URLCONF = "tests.generation.media_urls"
    generation_start(user=writer, workspace=workspace, trend=trend, fmt="video_script", with_image=False)
    job = GenerationJob.objects.get(workspace=workspace)
    assert job.status == "succeeded", job.error
    browser_login(page, asgi_live_server.url, "writer")
    page.goto(f"{asgi_live_server.url}/app/generate/jobs/{job.pk}/")
    section = page.locator(".video-renders")
    expect(section.locator("[data-video-empty]")).to_be_visible()
    section.locator("button[data-aspect='9:16']").click()
    video = section.locator("video")
    expect(video).to_have_count(1, timeout=120000)
    page.wait_for_function(
        "() => { const v = document.querySelector('.video-renders video'); return v && v.readyState >= 1 && v.duration > 0; }",
        timeout=30000,
    )
    duration = page.evaluate("() => document.querySelector('.video-renders video').duration")
    size = page.evaluate(
        "() => { const v = document.querySelector('.video-renders video'); return [v.videoWidth, v.videoHeight]; }"
    )
    assert duration > 3 and size == [720, 1280]
    page.evaluate(
        "() => { const v = document.querySelector('.video-renders video'); v.muted = true; return v.play(); }"
    )
    page.wait_for_function("() => document.querySelector('.video-renders video').currentTime > 0.3", timeout=15000)
    assert page.evaluate("() => document.querySelector('.video-renders video').textTracks.length") == 1
