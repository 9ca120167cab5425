"""Celery entry points for generation: take ids, claim, call the service; retry only what can pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils.translation import gettext as _

from apps.core.retry import backoff

from .providers.base import ProviderRetryableError
from .services import (
    generation_jobs_reap,
    generation_mark_failed,
    generation_mark_retrying,
    generation_report_failed,
    generation_run,
)
from .services_studio import video_render_mark_failed, video_render_run

if TYPE_CHECKING:
    from celery import Task

MAX_RETRIES = 4


def backoff_seconds(attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with jitter (up to 2, 4, 8, 16 s… and 120 s), or the provider's Retry-After
    when longer."""
    return backoff(max(1, attempt), base=1.0, cap=120.0, retry_after=retry_after)


@shared_task(
    bind=True,
    name="generation.run",
    acks_late=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=600,
    time_limit=660,
)
def generation_run_task(self: Task[..., None], job_id: int, **kwargs: object) -> None:
    try:
        generation_run(job_id=job_id)
    except ProviderRetryableError as exc:
        if self.request.retries >= MAX_RETRIES:
            generation_mark_failed(
                job_id=job_id,
                error=_("%(error)s Gave up after %(n)s attempts.") % {"error": str(exc), "n": self.request.retries + 1},
            )
            return
        countdown = backoff_seconds(self.request.retries + 1, exc.retry_after)
        generation_mark_retrying(job_id=job_id, error=str(exc), countdown=countdown)
        raise self.retry(exc=exc, countdown=countdown) from exc
    except SoftTimeLimitExceeded:
        generation_mark_failed(job_id=job_id, error=_("The generation took too long and was stopped."))


@shared_task(name="generation.reap_stale", acks_late=True, ignore_result=True)
def generation_reap_task(**kwargs: object) -> None:
    generation_jobs_reap()


@shared_task(name="generation.report_failed", acks_late=True, ignore_result=True, soft_time_limit=60)
def report_failed(*, job_id: int, **kwargs: object) -> bool:
    return generation_report_failed(job_id=job_id)


@shared_task(name="generation.render_video", acks_late=True, ignore_result=True, soft_time_limit=900, time_limit=960)
def video_render_task(render_id: int, **kwargs: object) -> None:
    try:
        video_render_run(render_id=render_id)
    except SoftTimeLimitExceeded:
        video_render_mark_failed(render_id=render_id, error=_("The video took too long to render and was stopped."))
