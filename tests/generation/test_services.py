"""Usage counting and the monthly cap, cancellation, provider settings and key handling."""

from __future__ import annotations

import pytest

from apps.core.errors import Conflict, Forbidden
from apps.generation.crypto import secret_decrypt
from apps.generation.models import AIProviderSettings, GenerationJob, JobStatus, TokenUsage
from apps.generation.providers.offline import OfflineProvider
from apps.generation.selectors import month_start
from apps.generation.services import ai_settings_update, generation_cancel, generation_run, generation_start

pytestmark = pytest.mark.django_db


def test_monthly_cap_blocks_new_generations(django_capture_on_commit_callbacks, writer, workspace, item):
    AIProviderSettings.objects.create(workspace=workspace, monthly_token_cap=100)
    TokenUsage.objects.create(workspace=workspace, month=month_start(), prompt_tokens=60, completion_tokens=40)
    with pytest.raises(Conflict, match="monthly token allowance"):
        generation_start(user=writer, workspace=workspace, item=item)


def test_usage_accumulates_per_workspace(django_capture_on_commit_callbacks, writer, workspace, item):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            generation_start(user=writer, workspace=workspace, item=item, with_image=False)
    jobs = GenerationJob.objects.filter(workspace=workspace)
    usage = TokenUsage.objects.get(workspace=workspace)
    assert usage.jobs == 2
    assert usage.total_tokens == sum(j.total_tokens for j in jobs) > 0


def test_cancel_queued_job_never_runs(writer, workspace, item):
    job = generation_start(user=writer, workspace=workspace, item=item)  # on_commit never fires: stays queued
    job = generation_cancel(user=writer, job=job)
    assert job.status == JobStatus.CANCELLED
    assert generation_run(job_id=job.pk) is None
    with pytest.raises(Conflict):
        generation_cancel(user=writer, job=job)


class CancelledMidway(OfflineProvider):
    """The offline provider, with an editor pressing Cancel after the first words."""

    def stream_draft(self, request):
        for n, piece in enumerate(super().stream_draft(request)):
            if n == 3:
                job = GenerationJob.objects.get(topic="", item__isnull=False, status="running")
                generation_cancel(user=job.created_by, job=job)
            yield piece


def test_cancel_while_running_stops_without_a_post(writer, workspace, item):
    job = generation_start(user=writer, workspace=workspace, item=item)
    job = generation_run(job_id=job.pk, provider=CancelledMidway())
    assert job.status == JobStatus.CANCELLED and job.post is None
    assert job.completion_tokens > 0  # tokens already spent are still counted


def test_only_author_or_editor_cancels(writer, editor, workspace, item, members):
    job = generation_start(user=editor, workspace=workspace, item=item)
    with pytest.raises(Forbidden):
        generation_cancel(user=writer, job=job)
    assert generation_cancel(user=members["admin"], job=job).status == JobStatus.CANCELLED


def test_key_is_encrypted_and_only_admins_change_settings(admin_member, editor, workspace):
    with pytest.raises(Forbidden):
        ai_settings_update(user=editor, workspace=workspace, data={"provider": "openai"})
    row = ai_settings_update(
        user=admin_member,
        workspace=workspace,
        data={"provider": "openai", "api_key": "sk-live-abcdefgh9876", "model": "gpt-4o-mini"},
    )
    assert "sk-live" not in row.api_key_encrypted
    assert secret_decrypt(row.api_key_encrypted) == "sk-live-abcdefgh9876"
    assert row.api_key_hint == "…9876"
    row = ai_settings_update(user=admin_member, workspace=workspace, data={"model": "other"})
    assert secret_decrypt(row.api_key_encrypted) == "sk-live-abcdefgh9876"  # kept when not sent again
    row = ai_settings_update(
        user=admin_member, workspace=workspace, data={"clear_key": True, "base_url": "http://x/v1"}
    )
    assert not row.has_key


def test_other_workspace_objects_are_refused(writer, workspace, other_workspace, item):
    from apps.core.errors import InvalidInput
    from apps.personas.models import Persona

    foreign = Persona.objects.create(workspace=other_workspace, name="Foreign")
    with pytest.raises(InvalidInput):
        generation_start(user=writer, workspace=workspace, persona=foreign, item=item)


def test_reaper_requeues_jobs_whose_worker_died(django_capture_on_commit_callbacks, writer, workspace, item):
    import datetime as dt

    from django.utils import timezone

    from apps.generation.services import generation_jobs_reap

    long_ago = timezone.now() - dt.timedelta(hours=1)
    lost = GenerationJob.objects.create(
        workspace=workspace,
        item=item,
        created_by=writer,
        status="running",
        started_at=long_ago,
        attempts=1,
        options={"image": False},
    )
    spent = GenerationJob.objects.create(
        workspace=workspace, item=item, created_by=writer, status="running", started_at=long_ago, attempts=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert generation_jobs_reap() == 2
    lost.refresh_from_db()
    spent.refresh_from_db()
    assert lost.status == JobStatus.SUCCEEDED and lost.attempts == 2 and lost.post is not None
    assert spent.status == JobStatus.FAILED and "stopped" in spent.error


def test_generation_run_query_count_is_pinned(django_assert_num_queries, writer, workspace, item, persona):
    """A run's database work outside the model stays small: claim (read + conditional update), the month's
    usage, post_create's writes, the job's final update and its audit entry."""
    from django.contrib.contenttypes.models import ContentType

    from apps.core.models import AuditEntry
    from apps.posts.models import Post

    AIProviderSettings.objects.create(workspace=workspace)
    TokenUsage.objects.create(workspace=workspace, month=month_start())
    ContentType.objects.get_for_models(GenerationJob, Post)  # the steady state: content types are cached
    job = GenerationJob.objects.create(
        workspace=workspace, item=item, persona=persona, created_by=writer, options={"image": False}
    )
    # job + settings + persona profile (1), claim (1), savepoint, month's usage (1), post_create (savepoint,
    # membership, post, revision number, revision, audit, release), the job's final update (which also
    # notices a late cancel), its audit entry, release, and the returned job's refresh.
    with django_assert_num_queries(15):
        job = generation_run(job_id=job.pk)
    assert job.status == JobStatus.SUCCEEDED
    assert job.provider == "offline" and job.attempts == 1
    assert job.style_match["score"] is not None
    assert job.prompt_tokens > 0 and job.completion_tokens > 0
    assert TokenUsage.objects.get(workspace=workspace).total_tokens == job.total_tokens
    entry = AuditEntry.objects.get(action="generation.finish", target_id=str(job.pk))
    assert entry.data["tokens"] == job.total_tokens


def test_cancel_after_the_stream_keeps_nothing_but_the_usage(writer, workspace, item):
    """A cancel that lands after the stream's last check is caught by the final update: no post."""
    from apps.posts.models import Post

    job = GenerationJob.objects.create(workspace=workspace, item=item, created_by=writer, options={"image": False})

    class CancelAtTheEnd(OfflineProvider):
        def structure(self, request, text):
            GenerationJob.objects.filter(pk=job.pk).update(cancel_requested=True)
            return super().structure(request, text)

    job = generation_run(job_id=job.pk, provider=CancelAtTheEnd())
    assert job.status == JobStatus.CANCELLED
    assert job.post_id is None and not Post.objects.filter(workspace=workspace).exists()
    assert job.total_tokens > 0
    assert TokenUsage.objects.get(workspace=workspace).total_tokens == job.total_tokens
