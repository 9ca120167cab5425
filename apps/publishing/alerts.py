"""The publishing side of notifications: a publication that failed or became unconfirmed is told to the
workspace's publishers and whoever scheduled it; a failure the platform answered with 401 or 403 also
says the channel needs reconnecting. Queued by the dispatcher after its outcome commits, so telling
people never slows or breaks a delivery."""

from __future__ import annotations

from apps.notifications.services import channel_needs_reconnect, publication_problem

from .models import Publication, PublicationState

AUTH_REFUSED = (401, 403)


def publications_report_problems(*, publication_ids: list[int]) -> int:
    told = 0
    rows = Publication.objects.filter(
        pk__in=publication_ids, state__in=[PublicationState.FAILED, PublicationState.UNCONFIRMED]
    ).select_related("post", "channel", "created_by")
    for publication in rows:
        publication_problem(publication=publication, unconfirmed=publication.state == PublicationState.UNCONFIRMED)
        last = publication.attempt_log.order_by("-number", "-pk").first()
        if last is not None and last.status_code in AUTH_REFUSED:
            channel_needs_reconnect(channel=publication.channel, reason=publication.last_error)
        told += 1
    return told
