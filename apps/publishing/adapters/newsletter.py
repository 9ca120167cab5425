"""E-mail newsletter to the workspace's subscriber list, each message with its own signed unsubscribe link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ..formatting import Rendered
from ..models import Publication, Subscriber
from .base import Adapter, AmbiguousError, PostContent, RetryableError, SendResult

UNSUBSCRIBE_SALT = "publishing.unsubscribe"
BATCH = 50


def unsubscribe_token(*, subscriber: Subscriber) -> str:
    return signing.dumps({"w": subscriber.workspace_id, "s": subscriber.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, subscriber: Subscriber) -> str:
    path = reverse("publishing:unsubscribe", kwargs={"token": unsubscribe_token(subscriber=subscriber)})
    return settings.SITE_URL.rstrip("/") + path


class NewsletterAdapter(Adapter):
    platform = "newsletter"
    label = "Newsletter"
    # Mail cannot be recalled, and a repeated batch would reach people twice.
    idempotent = False
    default_rate = (10, 2)
    config_fields = ("from_email", "subject_prefix")

    def render(self, *, content: PostContent, override: str = "") -> Rendered:
        errors = [] if content.title.strip() else [_("A newsletter needs a subject (the post's title).")]
        return Rendered(parts=[override or content.html or content.text], limit=0, lengths=[], errors=errors)

    def send(self, *, publication: Publication, content: dict[str, Any]) -> SendResult:
        subject = f"{self.config.get('subject_prefix', '')} {content.get('title', '')}".strip()
        sent = int(publication.result.get("sent", 0))
        last_id = int(publication.result.get("last_id", 0))
        connection = get_connection()
        while True:
            batch = list(
                Subscriber.objects.filter(
                    workspace_id=self.channel.workspace_id, unsubscribed_at__isnull=True, pk__gt=last_id
                ).order_by("pk")[:BATCH]
            )
            if not batch:
                break
            messages = []
            for subscriber in batch:
                link = unsubscribe_url(subscriber=subscriber)
                context = {
                    "content": content,
                    "subscriber": subscriber,
                    "unsubscribe_url": link,
                    "channel": self.channel,
                }
                message = EmailMultiAlternatives(
                    subject=subject,
                    body=render_to_string("publishing/email/newsletter.txt", context),
                    from_email=self.config.get("from_email") or settings.DEFAULT_FROM_EMAIL,
                    to=[subscriber.email],
                    headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
                    connection=connection,
                )
                message.attach_alternative(render_to_string("publishing/email/newsletter.html", context), "text/html")
                messages.append(message)
            try:
                connection.send_messages(messages)
            except ConnectionRefusedError as exc:
                raise RetryableError(f"mail server refused the connection: {exc}") from exc
            except OSError as exc:
                raise AmbiguousError(f"mail delivery interrupted: {exc}") from exc
            sent += len(batch)
            last_id = batch[-1].pk
            publication.result = {**publication.result, "sent": sent, "last_id": last_id}
            publication.save(update_fields=["result", "updated_at"])
        return SendResult(platform_id=f"newsletter-{publication.pk}", extra={"sent": sent, "last_id": last_id})
