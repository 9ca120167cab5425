"""Celery entry points of the posts app."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from .models import Notification


@shared_task(name="posts.send_notification_emails", acks_late=True, soft_time_limit=100, time_limit=120)
def send_notification_emails(*, notification_ids: list[int], **kwargs: object) -> int:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    messages = []
    for row in Notification.objects.filter(pk__in=notification_ids).select_related("recipient", "post"):
        email = row.recipient.email
        if not email:
            continue
        subject = _("[Trendoscope] %(message)s") % {"message": row.message[:120]}
        body = f"{row.message}\n\n{base}{row.url}\n"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
