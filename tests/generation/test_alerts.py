"""A generation that fails for good tells whoever started it (apps.notifications), once per job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.generation.models import GenerationJob, JobStatus
from apps.generation.services import generation_jobs_reap, generation_start
from apps.notifications.models import Kind, Notification
from apps.notifications.texts import render

pytestmark = pytest.mark.django_db


def test_a_provider_that_keeps_failing_tells_the_writer(
    django_capture_on_commit_callbacks, writer, editor, workspace, item, openai_settings, fake_openai
):
    fake_openai.fail_next("500", times=10)
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    [row] = Notification.objects.filter(kind=Kind.GENERATION_FAILED)
    assert row.recipient == writer and row.key == f"generation:{job.pk}" and row.count == 1
    assert "Provider error 500" in render(row).detail
    assert not Notification.objects.filter(recipient=editor).exists()


def test_a_job_whose_worker_died_too_often_is_reported(django_capture_on_commit_callbacks, writer, workspace, item):
    spent = GenerationJob.objects.create(
        workspace=workspace,
        item=item,
        created_by=writer,
        status="running",
        started_at=timezone.now() - dt.timedelta(hours=1),
        attempts=5,
        topic="Наводнения",
    )
    with django_capture_on_commit_callbacks(execute=True):
        generation_jobs_reap()
    row = Notification.objects.get(kind=Kind.GENERATION_FAILED, recipient=writer)
    assert "Наводнения" in render(row).title and row.url == f"/app/generate/jobs/{spent.pk}/"


def test_a_successful_job_tells_nobody(django_capture_on_commit_callbacks, writer, workspace, item):
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_start(user=writer, workspace=workspace, item=item, with_image=False)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert not Notification.objects.exists()
