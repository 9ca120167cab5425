"""Refine as a conversation on the post: the editor's own words, answered with suggestions (accept/reject
each) at code-point offsets of the live text, through the real openai client against the local server;
offline, the rule-based requests work and the rest say a model is needed; the history stays on the post."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from apps.core.errors import InvalidInput
from apps.generation.drafting import lead_with_strongest, offline_action_for, remove_repetition, split_long_sentences
from apps.generation.models import Decision, JobStatus
from apps.generation.selectors import refine_conversation
from apps.generation.services import refine_accept, refine_reject, refine_start
from apps.posts.document import markup_to_document
from apps.posts.models import Post, Suggestion
from apps.posts.services import post_create

pytestmark = pytest.mark.django_db

# Cyrillic, CJK, an emoji ZWJ family and a combining accent before the text that changes: every offset
# after them is wrong if anything counts UTF-16 units or bytes instead of code points.
MARKUP = (
    "Открытые модели 👩‍👩‍👧 догоняют закрытые. Café́ society is restless.\n\n"
    "## 背景\n\n"
    "研究者は新しいモデルを公開した。 The weights are open.\n\n"
    "> “The gap is now months.”\n> — Jane Doe, Example News\n\n"
    "Critics note the benchmarks cover only English. Critics note the benchmarks cover only English.\n"
)


@pytest.fixture
def post(writer, workspace, persona):
    return post_create(
        workspace=workspace, user=writer, title="Открытые модели", body_json=markup_to_document(MARKUP), persona=persona
    )


def _ask(capture, **kwargs):
    with capture(execute=True):
        job = refine_start(**kwargs)
    job.refresh_from_db()
    return job


def test_model_answers_an_instruction_with_suggestions_at_code_point_offsets(
    django_capture_on_commit_callbacks, writer, post, openai_settings, fake_openai
):
    # The model adds a quote after the CJK paragraph and tightens the last one.
    fake_openai.draft = MARKUP.replace(
        "The weights are open.", "The weights are open. “完全に公開された” — 研究者 🎉"
    ).replace("Critics note the benchmarks cover only English. Critics", "Critics")
    job = _ask(
        django_capture_on_commit_callbacks,
        user=writer,
        post=post,
        instruction="Add a quote from the second source and remove the repetition",
    )
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.action == "custom" and job.provider == "openai"
    # The real client sent the editor's words and the text to the local server.
    chat = [r for r in fake_openai.requests if r["path"].endswith("/chat/completions")][-1]
    prompt = chat["body"]["messages"][-1]["content"]
    assert "Add a quote from the second source" in prompt and "研究者は新しいモデルを公開した" in prompt
    suggestions = list(Suggestion.objects.filter(pk__in=job.result["suggestions"]).order_by("anchor_start"))
    assert len(suggestions) == 2
    text = Post.objects.get(pk=post.pk).body_text
    for s in suggestions:  # the offsets are code points into the post's text
        assert text[s.anchor_start : s.anchor_end] == s.anchor_quote
    assert "AI, asked" in suggestions[0].note
    # Accept one, reject the other: the post changes only where accepted.
    refine_accept(user=writer, job=job, suggestion_id=suggestions[0].pk)
    job.refresh_from_db()
    assert job.decision == Decision.PENDING
    refine_reject(user=writer, job=job, suggestion_id=suggestions[1].pk)
    job.refresh_from_db()
    assert job.decision == Decision.ACCEPTED
    body = Post.objects.get(pk=post.pk).body_text
    assert "“完全に公開された” — 研究者 🎉" in body
    assert body.count("Critics note the benchmarks cover only English.") == 2  # the rejected change is not applied
    assert body.startswith("Открытые модели 👩‍👩‍👧 догоняют закрытые. Café́ society")


def test_the_conversation_is_kept_on_the_post_and_sent_with_the_next_turn(
    django_capture_on_commit_callbacks, writer, post, openai_settings, fake_openai
):
    fake_openai.draft = MARKUP.replace("Café́ society is restless.", "Café́ society is very restless.")
    _ask(django_capture_on_commit_callbacks, user=writer, post=post, instruction="make the intro punchier")
    fake_openai.draft = MARKUP
    second = _ask(django_capture_on_commit_callbacks, user=writer, post=post, instruction="переведи на русский")
    prompt = [r for r in fake_openai.requests if r["path"].endswith("/chat/completions")][-1]["body"]["messages"][-1]
    assert "make the intro punchier" in prompt["content"]  # the earlier turn went with the new one
    turns = refine_conversation(post=post)
    assert [t["request"] for t in turns] == ["make the intro punchier", "переведи на русский"]
    assert turns[0]["suggestions"] and turns[0]["suggestions"][0]["replacement"].endswith("very restless.")
    assert turns[1]["job"] == second.pk and turns[1]["suggestions"] == []
    assert "Nothing to change" in turns[1]["answer"]


@pytest.mark.parametrize(
    "instruction,expected",
    [
        ("shorter please", "shorter"),
        ("Сделай короче", "shorter"),
        ("split the long sentences", "split"),
        ("remove repetition", "dedupe"),
        ("убери повторы", "dedupe"),
        ("lead with the strongest paragraph", "reorder"),
        ("fix typos", "grammar"),
        ("make it more formal", ""),
        ("add a quote from the second source", ""),
        ("translate to Russian", ""),
    ],
)
def test_offline_understands_the_rule_based_requests(instruction, expected):
    assert offline_action_for(instruction) == expected


def test_offline_rule_based_request_works_and_others_say_a_model_is_needed(
    django_capture_on_commit_callbacks, writer, post
):
    job = _ask(django_capture_on_commit_callbacks, user=writer, post=post, instruction="remove the repetition")
    assert job.status == JobStatus.SUCCEEDED, job.error
    (suggestion,) = Suggestion.objects.filter(pk__in=job.result["suggestions"])
    assert suggestion.replacement == "Critics note the benchmarks cover only English."
    needs_model = _ask(django_capture_on_commit_callbacks, user=writer, post=post, instruction="add a quote")
    assert needs_model.status == JobStatus.FAILED and "needs an AI model" in needs_model.error
    turns = refine_conversation(post=post)
    assert "needs an AI model" in turns[-1]["answer"] and turns[-1]["error"]


def test_an_empty_instruction_is_refused(writer, post):
    with pytest.raises(InvalidInput):
        refine_start(user=writer, post=post, action="custom", instruction="   ")


def test_api_conversation(django_capture_on_commit_callbacks, client, writer, post, outsider):
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/api/v1/refinements/",
            {"post": post.pk, "instruction": "split long sentences"},
            content_type="application/json",
        )
    assert started.status_code == 202, started.content
    turns = client.get(f"/api/v1/refinements/?post={post.pk}").json()
    assert turns[-1]["request"] == "split long sentences" and turns[-1]["status"] in ("succeeded", "failed")
    client.force_login(outsider)
    assert client.get(f"/api/v1/refinements/?post={post.pk}").status_code == 404


def test_model_errors_are_a_visible_turn(
    django_capture_on_commit_callbacks, writer, post, openai_settings, fake_openai
):
    fake_openai.fail_next("500", times=10)
    job = _ask(django_capture_on_commit_callbacks, user=writer, post=post, instruction="make it punchier")
    assert job.status == JobStatus.FAILED
    assert "500" in refine_conversation(post=post)[-1]["answer"]


def test_split_dedupe_reorder_rules():
    long = "Открытые модели догоняют закрытые; разработчики выпустили веса под свободными лицензиями, и независимые лаборатории воспроизвели результаты за один день, но критики отмечают ограничения."
    assert split_long_sentences(long).count(".") >= 3
    assert remove_repetition("A b c. A b c! D e.\n") == "A b c. D e.\n"
    text = "Intro line here.\n\nModels open benchmarks labs models open.\n\nOpen models benchmarks labs.\n"
    assert lead_with_strongest(text).startswith("Models open benchmarks")


prose = st.lists(
    st.sampled_from([*"abc xyz.;,", "Я", "ж", "字", "👩‍👩‍👧", "é́", "\n", " and ", " но "]), max_size=120
).map("".join)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prose)
def test_rules_never_invent_words(text):
    """Whatever the text, split/dedupe/reorder only move or drop words: nothing new appears."""
    words = set(text.replace(".", " ").replace(";", " ").replace(",", " ").lower().split())
    for rule in (split_long_sentences, remove_repetition, lead_with_strongest):
        out = rule(text)
        assert set(out.replace(".", " ").replace(";", " ").replace(",", " ").lower().split()) <= words
