"""Writes: telling people what went wrong, and e-mailing it (right away or in a digest).

Other apps report events through the functions at the bottom (post_activity, publication_problem,
channel_needs_reconnect, source_failing, generation_failed); this app imports none of them (it stands
just above accounts), so they pass the objects and it reads only plain attributes from them.

Floods are prevented twice: a repeat of an event that is still unread for someone bumps that row's count
instead of adding a row (and is not e-mailed again right away), and the digest sends one e-mail per
person per period whatever the number of events."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from apps.accounts.models import Membership, User
from apps.accounts.roles import Capability
from apps.accounts.selectors import members_with_capability
from apps.core.queue import enqueue_on_commit

from . import events, selectors
from .models import EmailMode, Kind, Notification, Preference, default_email
from .texts import render

if TYPE_CHECKING:
    # The reporting apps stand above this one: their models are named for the type checker only.
    from apps.generation.models import GenerationJob
    from apps.posts.models import Post
    from apps.publishing.models import Channel, Publication
    from apps.sources.models import Source

log = logging.getLogger(__name__)

# "Right away" stops being right away after this many e-mails to one person within an hour: further
# events wait for the digest (a channel going down fails every publication queued on it at once).
IMMEDIATE_PER_HOUR = 5


def _preferences(*, user_ids: list[int], kind: str) -> dict[int, tuple[bool, str]]:
    """(in the app, e-mail mode) for each user: their row for the kind, else the kind's default."""
    stored = {p.user_id: (p.in_app, p.email) for p in Preference.objects.filter(user_id__in=user_ids, kind=kind)}
    return {user_id: stored.get(user_id, (True, default_email(kind))) for user_id in user_ids}


def _audience(
    *, workspace_id: int, recipients: Iterable[User | None], guest_check: Callable[[User], bool] | None
) -> tuple[dict[int, User], set[int]]:
    """The distinct recipients who may be told (members of the workspace, and the people the reporting
    app's guest_check lets in although they are not members), and which of them are guests."""
    members = set(Membership.objects.filter(workspace_id=workspace_id).values_list("user_id", flat=True))
    users: dict[int, User] = {}
    guests: set[int] = set()
    for user in recipients:
        if user is None or user.pk in users or not user.is_active:
            continue
        if user.pk in members:
            users[user.pk] = user
        elif guest_check is not None and guest_check(user):
            users[user.pk] = user
            guests.add(user.pk)
    return users, guests


@transaction.atomic
def notify(
    *,
    workspace_id: int,
    recipients: Iterable[User | None],
    kind: str,
    key: str,
    params: dict[str, Any],
    url: str = "",
    once: bool = False,
    guest_check: Callable[[User], bool] | None = None,
) -> list[Notification]:
    """Tell each distinct recipient (who still belongs to the workspace) about one event.

    key names what the event is about ("publication:12"): while a recipient's row for the same kind and
    key is unread, a repeat updates it and counts up. once=True drops the repeat altogether if any row
    for that key exists (read or not): for conditions a beat task re-checks every hour. guest_check
    decides for a recipient who is not a member (a post shared with them); their rows are guest rows,
    which the reporting app withdraws (notifications_withdraw) when the access ends."""
    users, guests = _audience(workspace_id=workspace_id, recipients=recipients, guest_check=guest_check)
    if not users:
        return []
    prefs = _preferences(user_ids=list(users), kind=kind)
    now = timezone.now()
    same = Notification.objects.select_for_update().filter(recipient_id__in=list(users), kind=kind, key=key)
    existing: dict[int, Notification] = {}
    for earlier in same.order_by("read_at", "-last_at"):  # unread first (NULLs first on both backends)
        existing.setdefault(earlier.recipient_id, earlier)
    touched, immediate = [], []
    recent = _recent_immediate(user_ids=[u for u, (_in_app, email) in prefs.items() if email == EmailMode.IMMEDIATE])
    for user_id in users:
        in_app, email = prefs[user_id]
        if not in_app and email == EmailMode.OFF:
            continue
        if email == EmailMode.IMMEDIATE and recent.get(user_id, 0) >= IMMEDIATE_PER_HOUR:
            email = EmailMode.DIGEST
        row = existing.get(user_id)
        if row is not None and (once or row.read_at is None):
            if not once:
                _collapse(row=row, params=params, url=url, now=now)
                touched.append(row)
            continue
        row = Notification.objects.create(
            workspace_id=workspace_id,
            recipient_id=user_id,
            kind=kind,
            key=key[:120],
            params=params,
            url=url[:500],
            in_app=in_app,
            guest=user_id in guests,
            email=email,
            last_at=now,
        )
        touched.append(row)
        if email == EmailMode.IMMEDIATE:
            immediate.append(row.pk)
            recent[user_id] = recent.get(user_id, 0) + 1
    if immediate:
        enqueue_on_commit("notifications.send_immediate", notification_ids=immediate)
    _announce([row for row in touched if row.in_app], users=users)
    return touched


def _announce(rows: list[Notification], *, users: dict[int, User]) -> None:
    """Each recipient's bell hears of the row and their new unread count, once the change commits."""
    for row in rows:
        events.notification_created(row, unread=selectors.unread_count(user=users[row.recipient_id]))


def _recent_immediate(*, user_ids: list[int]) -> dict[int, int]:
    if not user_ids:
        return {}
    since = timezone.now() - dt.timedelta(hours=1)
    rows = (
        Notification.objects.filter(recipient_id__in=user_ids, email=EmailMode.IMMEDIATE, created_at__gte=since)
        .values("recipient_id")
        .annotate(n=Count("id"))
    )
    return {row["recipient_id"]: row["n"] for row in rows}


def _collapse(*, row: Notification, params: dict, url: str, now: dt.datetime) -> None:
    fields = {"count": F("count") + 1, "params": params, "last_at": now}
    if url:
        fields["url"] = url[:500]
    if row.email == EmailMode.DIGEST:
        # Still happening: the next digest mentions it again (with its count), once.
        fields["emailed_at"] = None
    Notification.objects.filter(pk=row.pk).update(**fields)
    row.refresh_from_db()


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id == user.pk and notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        events.notifications_read(
            user_id=user.pk, unread=selectors.unread_count(user=user), notification_id=notification.pk
        )
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        events.notifications_read(user_id=user.pk, unread=0)
    return marked


def notifications_withdraw(*, key_prefix: str, recipient: User | None = None) -> int:
    """The reporting app took back what its guest rows are about (a share ended): they go. Rows of
    members stay (membership decides for them)."""
    rows = Notification.objects.filter(guest=True, key__startswith=key_prefix)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    deleted, _per_model = rows.delete()
    return deleted


def preference_set(*, user: User, kind: str, in_app: bool, email: str) -> Preference:
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    if email not in EmailMode.values:
        raise ValueError(f"unknown e-mail mode {email!r}")
    pref, _created = Preference.objects.update_or_create(
        user=user, kind=kind, defaults={"in_app": in_app, "email": email}
    )
    return pref


# --- e-mail ------------------------------------------------------------------------------------


def _claim(queryset: QuerySet[Notification]) -> list[Notification]:
    """Mark the rows as e-mailed before sending (two runs never mail the same row); _unclaim undoes it."""
    with transaction.atomic():
        rows = list(queryset.select_for_update(skip_locked=True).select_related("recipient", "workspace"))
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=timezone.now())
    return rows


def _unclaim(rows: list[Notification]) -> None:
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=None)


def _message(*, user: User, rows: list[Notification], digest: bool) -> EmailMessage:
    base = settings.SITE_URL.rstrip("/")
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = [{"row": r, "text": render(r), "link": f"{base}{r.url}" if r.url else ""} for r in rows]
        context = {"user": user, "items": items, "digest": digest, "page": f"{base}/app/notifications/"}
        subject = render_to_string("notifications/email_subject.txt", context).strip()
        body = render_to_string("notifications/email_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


def _send(rows: list[Notification], *, digest: bool) -> int:
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for row in rows:
        if row.recipient.email:
            by_user[row.recipient_id].append(row)
    messages = [_message(user=group[0].recipient, rows=group, digest=digest) for group in by_user.values()]
    if messages:
        try:
            get_connection().send_messages(messages)
        except Exception:
            _unclaim(rows)
            raise
    return len(messages)


def emails_send_immediate(*, notification_ids: list[int]) -> int:
    """One e-mail per recipient for the rows of one event (several rows of one person: one e-mail)."""
    rows = _claim(
        Notification.objects.filter(pk__in=notification_ids, email=EmailMode.IMMEDIATE, emailed_at__isnull=True)
    )
    return _send(rows, digest=False)


def digests_send(*, limit: int = 5000) -> int:
    """The digest: for each person, one e-mail listing every event not e-mailed yet (beat task)."""
    due = Notification.objects.filter(email=EmailMode.DIGEST, emailed_at__isnull=True).order_by("last_at")
    rows = _claim(due.filter(pk__in=list(due.values_list("pk", flat=True)[:limit])))
    return _send(rows, digest=True)


# --- events other apps report ------------------------------------------------------------------------------


def _url(name: str, pk: int) -> str:
    # Resolved by name: this app imports none of the apps that report to it.
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _with_creator(users: list[User], creator: User | None) -> list[User]:
    return [*users, creator] if creator is not None else users


def publication_problem(*, publication: Publication, unconfirmed: bool = False) -> list[Notification]:
    """A publication failed (or its send is unconfirmed). Reads publication.pk, .workspace_id,
    .post.title, .channel.name, .last_error and .created_by; tells the publishers and whoever scheduled it."""
    kind = Kind.PUBLICATION_UNCONFIRMED if unconfirmed else Kind.PUBLICATION_FAILED
    users = members_with_capability(workspace_id=publication.workspace_id, capability=Capability.PUBLISH)
    return notify(
        workspace_id=publication.workspace_id,
        recipients=_with_creator(users, publication.created_by),
        kind=kind,
        key=f"publication:{publication.pk}",
        params={
            "post": publication.post.title,
            "channel": publication.channel.name,
            "error": (publication.last_error or "")[:500],
            "publication": publication.pk,
        },
        url=_url("publishing:publication", publication.pk),
    )


def channel_needs_reconnect(*, channel: Channel, reason: str = "") -> list[Notification]:
    """A channel's authorization is gone (refresh refused, 401, revoked): tell whoever may manage
    channels. Reads channel.pk, .workspace_id and .name. Call it each time it is noticed: while the
    notification is unread, repeats only count up (no new e-mail)."""
    return notify(
        workspace_id=channel.workspace_id,
        recipients=members_with_capability(workspace_id=channel.workspace_id, capability=Capability.MANAGE_CHANNELS),
        kind=Kind.CHANNEL_RECONNECT,
        key=f"channel:{channel.pk}",
        params={"channel": channel.name, "reason": (reason or "")[:500], "channel_id": channel.pk},
        url=_url("publishing:channel_edit", channel.pk),
    )


def source_failing(*, source: Source, hours: int, since: dt.datetime | None) -> list[Notification]:
    """A source has failed every fetch for `hours` hours. Reads source.pk, .workspace_id, .name, .url
    and .last_error. One notification per failing streak (`since` names the streak)."""
    streak = since.isoformat() if since else "never"
    return notify(
        workspace_id=source.workspace_id,
        recipients=members_with_capability(workspace_id=source.workspace_id, capability=Capability.MANAGE_SOURCES),
        kind=Kind.SOURCE_FAILING,
        key=f"source:{source.pk}:{streak}",
        params={"source": source.name or source.url, "hours": hours, "error": (source.last_error or "")[:500]},
        url=_url("sources:detail", source.pk),
        once=True,
    )


def generation_failed(*, job: GenerationJob) -> list[Notification]:
    """A generation job failed for good. Reads job.pk, .workspace_id, .topic, .error and .created_by
    (who started it is told; a job nobody started tells the workspace's editors)."""
    users = (
        [job.created_by]
        if job.created_by is not None
        else members_with_capability(workspace_id=job.workspace_id, capability=Capability.EDIT_ANY)
    )
    return notify(
        workspace_id=job.workspace_id,
        recipients=users,
        kind=Kind.GENERATION_FAILED,
        key=f"generation:{job.pk}",
        params={"topic": (job.topic or "")[:200], "error": (job.error or "")[:500], "job": job.pk},
        url=_url("generation:job", job.pk),
    )


def post_activity(
    *,
    kind: Kind,
    post: Post,
    actor: User | None,
    recipients: Iterable[User | None],
    about: str,
    params: dict[str, Any] | None = None,
    guest_check: Callable[[User], bool] | None = None,
) -> list[Notification]:
    """Something happened to a post (a comment, a mention, a workflow step, ...): tell the recipients
    other than whoever did it. Reads post.pk, .workspace_id and .title; stores the actor's name and the
    title as they are now (the words around them are rendered when read). `about` names the event
    within the post ("comment:41", "submit"): repeats of one while unread count up. guest_check lets
    in people outside the workspace whom the post is shared with (see notify)."""
    actor_id = actor.pk if actor is not None else None
    return notify(
        workspace_id=post.workspace_id,
        recipients=[user for user in recipients if user is not None and user.pk != actor_id],
        kind=kind,
        key=f"post:{post.pk}:{about}",
        params={
            "post": post.pk,
            "title": (post.title or "")[:300],
            "actor": str(actor)[:150] if actor is not None else "",
            **(params or {}),
        },
        url=_url("posts:detail", post.pk),
        guest_check=guest_check,
    )
