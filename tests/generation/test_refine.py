"""Refine: every action produces suggestions on the post (shown as a diff), never a silent edit."""

from __future__ import annotations

import pytest

from apps.core.errors import Conflict, Forbidden
from apps.generation.models import Decision, JobStatus
from apps.generation.services import refine_accept, refine_reject, refine_start
from apps.posts.models import Revision, Suggestion
from apps.posts.services import post_create

pytestmark = pytest.mark.django_db

BODY = {
    "type": "doc",
    "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "We can't ignore teh new model. It is big news for everyone. Labs released weights. Critics are loud."}]},
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Why it matters"}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "It's kinda awesome stuff and we're gonna see a lot of it."}]},
    ],
}  # fmt: skip


@pytest.fixture
def post(writer, workspace, persona):
    return post_create(workspace=workspace, user=writer, title="Open models", body_json=BODY, persona=persona)


def _refine(capture, **kwargs):
    with capture(execute=True):
        job = refine_start(**kwargs)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("action", ["shorter", "longer", "formal", "casual", "persona", "grammar"])
def test_each_offline_action_suggests_without_touching_the_post(
    django_capture_on_commit_callbacks, writer, post, action
):
    before = (post.body_text, post.version, Revision.objects.filter(post=post).count())
    job = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action=action)
    assert job.status == JobStatus.SUCCEEDED, job.error
    post.refresh_from_db()
    assert (post.body_text, post.version, Revision.objects.filter(post=post).count()) == before
    suggestions = Suggestion.objects.filter(pk__in=job.result["suggestions"])
    assert suggestions.exists() and all(s.state == "pending" for s in suggestions)
    assert job.decision == Decision.PENDING


def test_formal_and_grammar_rewrite_as_expected(django_capture_on_commit_callbacks, writer, post):
    formal = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="formal")
    assert "cannot" in formal.result_text and "going to" in formal.result_text and "gonna" not in formal.result_text
    grammar = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="grammar")
    assert "the new model" in grammar.result_text and "teh" not in grammar.result_text


def test_accept_applies_as_new_revision(django_capture_on_commit_callbacks, writer, post):
    job = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="formal")
    refine_accept(user=writer, job=job)
    post.refresh_from_db()
    job.refresh_from_db()
    assert "cannot" in post.body_text and "gonna" not in post.body_text
    assert post.body_json["content"][1]["type"] == "heading"  # structure kept
    assert Revision.objects.filter(post=post).count() > 1
    assert job.decision == Decision.ACCEPTED
    with pytest.raises(Conflict):
        refine_reject(user=writer, job=job)


def test_reject_leaves_the_post_and_one_by_one_decisions(django_capture_on_commit_callbacks, writer, post):
    job = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="casual")
    text = post.body_text
    refine_reject(user=writer, job=job)
    post.refresh_from_db()
    job.refresh_from_db()
    assert post.body_text == text and job.decision == Decision.REJECTED
    job2 = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="grammar")
    ids = job2.result["suggestions"]
    refine_accept(user=writer, job=job2, suggestion_id=ids[0])
    job2.refresh_from_db()
    assert job2.decision == (Decision.PENDING if len(ids) > 1 else Decision.ACCEPTED)


def test_offline_translation_fails_with_a_clear_reason(django_capture_on_commit_callbacks, writer, post):
    job = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="translate", target_language="ru")
    assert job.status == JobStatus.FAILED
    assert "Translation needs an AI model" in job.error


def test_translation_through_the_openai_provider(
    django_capture_on_commit_callbacks, writer, post, openai_settings, fake_openai
):
    fake_openai.draft = "Мы не можем игнорировать новую модель.\n\n## Почему это важно\n\nЭто большая новость."
    job = _refine(django_capture_on_commit_callbacks, user=writer, post=post, action="translate", target_language="ru")
    assert job.status == JobStatus.SUCCEEDED, job.error
    prompt = fake_openai.requests[0]["body"]["messages"][1]["content"]
    assert "Translate the text into Russian" in prompt and "Why it matters" in prompt
    refine_accept(user=writer, job=job)
    post.refresh_from_db()
    assert "Почему это важно" in post.body_text


def test_only_those_who_can_edit_refine(writer, post, members):
    from tests.factories import MembershipFactory, UserFactory

    other_writer = MembershipFactory(workspace=post.workspace, user=UserFactory(username="w2"), role="writer").user
    with pytest.raises(Forbidden):
        refine_start(user=other_writer, post=post, action="shorter")
    refine_start(user=members["editor"], post=post, action="shorter")  # editors may edit any post
