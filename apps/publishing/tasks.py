"""Celery entry points: thin wrappers that fetch ids and call the dispatcher or a service."""

from __future__ import annotations

from celery import shared_task

from . import alerts
from .adapters import PermanentError
from .analytics import metrics_poll_due
from .connecting import tokens_refresh_due
from .dispatcher import dispatch_run, post_check_all_published
from .services import publication_delete_remote


@shared_task(name="publishing.dispatch_tick", acks_late=True, soft_time_limit=60, time_limit=90, ignore_result=True)
def dispatch_tick(**kwargs: object) -> int:
    """The beat tick: deliver whatever is due (claims with SKIP LOCKED, so ticks may overlap safely)."""
    return dispatch_run(budget_seconds=45.0)


@shared_task(
    name="publishing.unpublish_publication",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    ignore_result=True,
)
def unpublish_publication(publication_id: int, **kwargs: object) -> None:
    try:
        publication_delete_remote(publication_id=publication_id)
    except PermanentError:
        return  # logged on the publication; repeating will not help


@shared_task(name="publishing.poll_metrics", acks_late=True, soft_time_limit=240, time_limit=300, ignore_result=True)
def poll_metrics(**kwargs: object) -> int:
    return metrics_poll_due()


@shared_task(name="publishing.posts_check_published", acks_late=True, soft_time_limit=120, ignore_result=True)
def posts_check_published(post_ids: list[int], **kwargs: object) -> None:
    """Mark posts published once every one of their publications has gone out."""
    for post_id in post_ids:
        post_check_all_published(post_id=post_id)


@shared_task(name="publishing.report_problems", acks_late=True, soft_time_limit=60, ignore_result=True)
def report_problems(publication_ids: list[int], **kwargs: object) -> int:
    """Tell people about publications that failed or became unconfirmed (queued by the dispatcher)."""
    return alerts.publications_report_problems(publication_ids=publication_ids)


@shared_task(name="publishing.refresh_tokens", acks_late=True, soft_time_limit=120, time_limit=150, ignore_result=True)
def refresh_tokens(**kwargs: object) -> dict[str, int]:
    """Renew OAuth access tokens before they expire (a refused renewal marks the channel for reconnecting)."""
    return tokens_refresh_due()
