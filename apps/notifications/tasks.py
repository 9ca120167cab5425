"""Celery entry points: the e-mails of one event (right away) and the periodic digest."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.send_immediate", acks_late=True, soft_time_limit=100, time_limit=120)
def send_immediate(*, notification_ids: list[int], **kwargs: object) -> int:
    return services.emails_send_immediate(notification_ids=notification_ids)


@shared_task(name="notifications.send_digests", ignore_result=True, soft_time_limit=280, time_limit=300)
def send_digests(**kwargs: object) -> int:
    return services.digests_send()
