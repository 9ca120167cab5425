"""Writes for publishing: channels, scheduling (with the per-channel rendering frozen on the row),
cancel, reschedule, embargo, retry/confirm of unclear sends, unpublish, subscribers."""

from __future__ import annotations

import datetime as dt
import mimetypes
import socket
import time
from dataclasses import asdict
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.permissions import require_capability
from apps.accounts.roles import Capability
from apps.core.errors import Conflict, InvalidInput, NotFound
from apps.core.http import address_is_blocked
from apps.core.queue import enqueue_on_commit
from apps.core.services import audit_log
from apps.posts.document import document_to_html
from apps.posts.models import MediaKind, Post
from apps.posts.selectors import post_current_body
from apps.site.links import track_publication_links
from apps.site.services import absolute_url, site_article_live_url, site_article_url

from .adapters import ADAPTERS, DeliveryError, PostContent, adapter_class, adapter_for
from .adapters.base import http_url_or_empty
from .adapters.newsletter import UNSUBSCRIBE_SALT
from .crypto import credentials_encrypt
from .dispatcher import post_check_all_published
from .formatting import Rendered
from .models import AttemptOutcome, Channel, Platform, Publication, PublicationAttempt, PublicationState, Subscriber
from .posts_bridge import SCHEDULABLE_STATES, post_mark_scheduled

if TYPE_CHECKING:
    from apps.accounts.models import User, Workspace

# --- channels ---------------------------------------------------------------------------------


def _clean_config(*, platform: str, config: dict) -> dict:
    cls = adapter_class(platform)
    cleaned = {k: v for k, v in (config or {}).items() if v not in (None, "")}
    for key in HOST_CONFIG_KEYS:
        value = cleaned.get(key)
        if value and not str(value).startswith(("http://", "https://")):
            raise InvalidInput(_("%(field)s must be an http(s) URL.") % {"field": key})
        if value:
            _refuse_private_host(str(value))
    if platform == Platform.WEBHOOK and not cleaned.get("url"):
        raise InvalidInput(_("A webhook channel needs a URL."))
    if platform in (Platform.WORDPRESS, Platform.MASTODON) and not cleaned.get("base_url"):
        raise InvalidInput(_("This channel needs the site's base URL."))
    if platform == Platform.TELEGRAM and not cleaned.get("chat_id"):
        raise InvalidInput(_("A Telegram channel needs a chat id (@channel or numeric id)."))
    urn = str(cleaned.get("author_urn") or "")
    if platform == Platform.LINKEDIN and urn and not urn.startswith("urn:li:"):
        # Empty is fine: connecting the account fills in the member's own URN.
        raise InvalidInput(_("A LinkedIn author URN looks like urn:li:person:… or urn:li:organization:…."))
    if platform == Platform.BLUESKY and not cleaned.get("handle"):
        raise InvalidInput(_("A Bluesky channel needs the account handle."))
    del cls
    return cleaned


# Settings that name the host a channel's secrets are sent to (an empty one means the platform's own).
HOST_CONFIG_KEYS = ("url", "base_url", "service")


def _config_hosts(config: dict) -> dict[str, tuple]:
    """Scheme, host and port of each address in a channel's settings."""
    hosts = {}
    for key in HOST_CONFIG_KEYS:
        value = str((config or {}).get(key) or "").strip()
        parts = urlsplit(value)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            port = None
        hosts[key] = (parts.scheme.lower(), (parts.hostname or "").lower(), port) if value else ()
    return hosts


def _refuse_private_host(url: str) -> None:
    """Channels are configured by workspace members: do not let one point our workers at internal
    addresses (unless private networks are allowed, as in development)."""
    if settings.FETCH_ALLOW_PRIVATE_NETWORKS:
        return
    host = urlsplit(url).hostname or ""
    try:
        addresses = {str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        return  # unresolvable now: the send will fail and say so
    if any(address_is_blocked(ip) for ip in addresses):
        raise InvalidInput(_("%(host)s is a private or reserved address.") % {"host": host})


@transaction.atomic
def channel_create(
    *,
    user: User,
    workspace: Workspace,
    name: str,
    platform: str,
    config: dict | None = None,
    secrets: dict | None = None,
    credentials_expire_at: dt.datetime | None = None,
    rate_per_minute: int | None = None,
    rate_burst: int | None = None,
    is_active: bool = True,
) -> Channel:
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_CHANNELS)
    if platform not in Platform.values:
        raise InvalidInput(_("Unknown platform: %(platform)s.") % {"platform": platform})
    name = (name or "").strip()
    if not name:
        raise InvalidInput(_("A channel needs a name."))
    if Channel.objects.filter(workspace=workspace, name=name).exists():
        raise InvalidInput(_("A channel with this name already exists."))
    default_rate, default_burst = adapter_class(platform).default_rate
    channel = Channel.objects.create(
        workspace=workspace,
        name=name,
        platform=platform,
        config=_clean_config(platform=platform, config=config or {}),
        credentials_encrypted=credentials_encrypt(secrets={k: v for k, v in (secrets or {}).items() if v}),
        credentials_expire_at=credentials_expire_at,
        rate_per_minute=rate_per_minute or default_rate,
        rate_burst=rate_burst or default_burst,
        is_active=is_active,
    )
    audit_log(actor=user, action="channel.create", target=channel, data={"platform": platform})
    return channel


@transaction.atomic
def channel_update(
    *,
    user: User,
    channel: Channel,
    name: str | None = None,
    config: dict | None = None,
    secrets: dict | None = None,
    credentials_expire_at: dt.datetime | None | str = "unchanged",
    rate_per_minute: int | None = None,
    rate_burst: int | None = None,
    is_active: bool | None = None,
) -> Channel:
    """Secrets are replaced only when new ones are given (they are never shown, so never round-trip)."""
    require_capability(user=user, workspace=channel.workspace_id, capability=Capability.MANAGE_CHANNELS)
    changed = []
    if name is not None and name.strip() and name.strip() != channel.name:
        if Channel.objects.filter(workspace_id=channel.workspace_id, name=name.strip()).exclude(pk=channel.pk).exists():
            raise InvalidInput(_("A channel with this name already exists."))
        channel.name = name.strip()
        changed.append("name")
    new_secrets = {k: v for k, v in (secrets or {}).items() if v}
    if config is not None:
        old_hosts = _config_hosts(channel.config)
        channel.config = _clean_config(platform=channel.platform, config=config)
        changed.append("config")
        if _config_hosts(channel.config) != old_hosts and channel.credentials_encrypted and not new_secrets:
            # The secrets were given for the old address: they never follow the channel to another host
            # (a "check" would otherwise hand them to whoever runs it). New ones must be entered.
            channel.credentials_encrypted = ""
            changed.append("credentials_dropped")
    if new_secrets:
        channel.credentials_encrypted = credentials_encrypt(secrets=new_secrets)
        channel.last_error = ""
        channel.needs_reconnect = False  # new credentials: its waiting publications may try them
        changed.append("credentials")
    if credentials_expire_at != "unchanged":
        channel.credentials_expire_at = credentials_expire_at
        changed.append("credentials_expire_at")
    if rate_per_minute:
        channel.rate_per_minute = rate_per_minute
        changed.append("rate_per_minute")
    if rate_burst:
        channel.rate_burst = rate_burst
        changed.append("rate_burst")
    if is_active is not None and is_active != channel.is_active:
        channel.is_active = is_active
        changed.append("is_active")
    channel.save()
    audit_log(actor=user, action="channel.update", target=channel, data={"changed": changed})
    return channel


@transaction.atomic
def channel_delete(*, user: User, channel: Channel) -> None:
    require_capability(user=user, workspace=channel.workspace_id, capability=Capability.MANAGE_CHANNELS)
    if channel.publications.filter(state__in=[PublicationState.CLAIMED, PublicationState.SENDING]).exists():
        raise Conflict(_("This channel is delivering right now; try again in a minute."))
    audit_log(actor=user, action="channel.delete", target=channel)
    channel.delete()


# --- rendering --------------------------------------------------------------------------------


def post_public_url(*, post: Post) -> str:
    """Where the post lives on its workspace's site (its ArticlePage), or will live once the site channel runs."""
    live = site_article_live_url(post_id=post.pk)
    if (
        live
        or not Channel.objects.filter(workspace_id=post.workspace_id, platform=Platform.SITE, is_active=True).exists()
    ):
        return live
    return site_article_url(post=post)


def post_content(*, post: Post) -> PostContent:
    image_url = ""
    image_alt = ""
    image_name, image_mime, image_size = "", "", 0
    media = post.featured_media
    # Only an image is attached (an audio asset or a video script is not a picture for the platforms).
    if media is not None and media.file and (media.kind == MediaKind.IMAGE or media.mime_type.startswith("image/")):
        try:
            image_url = absolute_url(media.file.url)
        except ValueError:
            image_url = ""
        image_alt = media.alt_text
        image_name = media.file.name or ""
        image_mime = media.mime_type or mimetypes.guess_type(image_name)[0] or "application/octet-stream"
        image_size = media.size
        if not image_size:
            try:
                image_size = media.file.size
            except OSError:
                image_size = 0
    author = ""
    if post.persona is not None:
        author = post.persona.name
    elif post.author is not None:
        author = post.author.get_full_name() or post.author.get_username()
    # What goes out is the text as it is now, also when it is edited live and not yet snapshotted.
    # Its own addresses (images in the text, relative links) absolute: the HTML is read elsewhere.
    doc, html, text = post_current_body(post=post)
    if doc:  # (a post saved as HTML only keeps its HTML)
        html = document_to_html(doc, base_url=settings.SITE_URL)
    return PostContent(
        title=post.title,
        text=text,
        html=html,
        excerpt=post.excerpt,
        tags=list(post.tags or []),
        link=post_public_url(post=post),
        image_url=image_url,
        image_alt=image_alt,
        image_name=image_name,
        image_mime=image_mime,
        image_size=image_size,
        author=author,
        post_id=post.pk,
    )


def _render_one(*, channel: Channel, content: PostContent, override: str) -> Rendered:
    try:
        return adapter_for(channel).render(content=content, override=override)
    except DeliveryError as exc:
        # Mastodon's limit comes from the instance; if it cannot be read, say so instead of guessing.
        return Rendered(
            parts=[], limit=0, lengths=[], errors=[_("Cannot read the platform's limits: %(e)s") % {"e": exc.message}]
        )
    except ValueError as exc:
        return Rendered(parts=[], limit=0, lengths=[], errors=[str(exc)])


def publication_preview(
    *, user: User, post: Post, channels: list[Channel], overrides: dict | None = None
) -> list[dict]:
    """Every channel's version of the post, as it would be sent; nothing is written."""
    require_capability(user=user, workspace=post.workspace_id, capability=Capability.VIEW)
    content = post_content(post=post)
    out = []
    for channel in channels:
        rendered = _render_one(channel=channel, content=content, override=(overrides or {}).get(str(channel.pk), ""))
        out.append({"channel": channel, **asdict(rendered), "ok": rendered.ok, "image_alt": content.image_alt})
    return out


# --- scheduling -------------------------------------------------------------------------------


def _kick_dispatcher_if_due(due: dt.datetime) -> None:
    if due <= timezone.now() + dt.timedelta(seconds=5):
        enqueue_on_commit("publishing.dispatch_tick")


def _rendered_for_channels(
    *, post: Post, channels: list[Channel], content: PostContent, overrides: dict
) -> dict[int, Rendered]:
    """Every channel's text, rendered and checked; a disabled channel or a text that cannot fit is
    refused here, all of them in one error."""
    errors: dict[str, list[str]] = {}
    rendered_by_channel = {}
    for channel in channels:
        if channel.workspace_id != post.workspace_id:
            raise NotFound(_("Not found."))
        if not channel.is_active:
            errors[channel.name] = [_("This channel is disabled.")]
            continue
        rendered = _render_one(channel=channel, content=content, override=overrides.get(str(channel.pk), ""))
        if not rendered.ok:
            errors[channel.name] = rendered.errors
        rendered_by_channel[channel.pk] = rendered
    if errors:
        raise InvalidInput({name: [str(m) for m in msgs] for name, msgs in errors.items()})
    return rendered_by_channel


def _frozen_content(*, post: Post, channel: Channel, content: PostContent, rendered: Rendered) -> dict:
    """What the publication sends, fixed when it is scheduled (later edits of the post do not change it)."""
    return {
        "parts": rendered.parts,
        "media": rendered.media,
        "image": content.image() if rendered.media else None,
        "title": content.title,
        "excerpt": content.excerpt,
        "html": content.html,
        "text": content.text,
        "link": adapter_for(channel).link_for(content),
        "tags": content.tags,
        "author": content.author,
        "language": post.language,
    }


def _publication_create(
    *,
    user: User,
    post: Post,
    channel: Channel,
    frozen: dict,
    due: dt.datetime,
    not_before: dt.datetime | None,
    next_attempt_at: dt.datetime,
) -> Publication:
    """One publication row, its links tracked through the site, and its audit entry."""
    try:
        with transaction.atomic():
            publication = Publication.objects.create(
                workspace_id=post.workspace_id,
                post=post,
                channel=channel,
                due_at=due,
                not_before=not_before,
                next_attempt_at=next_attempt_at,
                content=frozen,
                created_by=user,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("%(channel)s already has this post scheduled or published.") % {"channel": channel.name}
        ) from exc
    # Links go out as the site's tracked short link of this publication (apps.site.links).
    tracked = track_publication_links(
        workspace_id=post.workspace_id,
        post_id=post.pk,
        publication_id=publication.pk,
        channel_id=channel.pk,
        platform=channel.platform,
        content=frozen,
    )
    if tracked is not frozen:
        publication.content = tracked
        publication.save(update_fields=["content"])
    audit_log(
        actor=user,
        action="publication.schedule",
        target=publication,
        data={
            "channel": channel.name,
            "due_at": due.isoformat(),
            "not_before": not_before.isoformat() if not_before else None,
        },
    )
    return publication


@transaction.atomic
def publication_schedule(
    *,
    user: User,
    post: Post,
    channels: list[Channel],
    due_at: dt.datetime | None = None,
    not_before: dt.datetime | None = None,
    overrides: dict | None = None,
) -> list[Publication]:
    """Schedule the post to each channel (now when due_at is None). Every channel's text is rendered and
    checked here, so a text that cannot fit is refused now rather than at send time."""
    require_capability(user=user, workspace=post.workspace_id, capability=Capability.PUBLISH)
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("persona", "author", "featured_media")
        .get(pk=post.pk)
    )
    if post.state not in SCHEDULABLE_STATES:
        raise Conflict(
            _("Only approved posts can be scheduled (this one is %(state)s).") % {"state": post.get_state_display()}
        )
    if not channels:
        raise InvalidInput(_("Choose at least one channel."))
    now = timezone.now()
    due = due_at or now
    if due_at is not None and due_at < now - dt.timedelta(minutes=1):
        raise InvalidInput(_("The publication time is in the past."))
    due_eff = not_before if not_before is not None and not_before > due else due
    content = post_content(post=post)
    rendered = _rendered_for_channels(post=post, channels=channels, content=content, overrides=overrides or {})
    publications = [
        _publication_create(
            user=user,
            post=post,
            channel=channel,
            frozen=_frozen_content(post=post, channel=channel, content=content, rendered=rendered[channel.pk]),
            due=due,
            not_before=not_before,
            next_attempt_at=due_eff,
        )
        for channel in channels
    ]
    post_mark_scheduled(post=post, user=user, publish_at=due_eff)
    _kick_dispatcher_if_due(due_eff)
    return publications


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update(of=("self",)).select_related("channel").get(pk=publication.pk)


@transaction.atomic
def publication_cancel(*, user: User, publication: Publication) -> Publication:
    require_capability(user=user, workspace=publication.workspace_id, capability=Capability.PUBLISH)
    publication = _locked(publication)
    if publication.state in (PublicationState.CLAIMED, PublicationState.SENDING):
        raise Conflict(_("This publication is being delivered right now; unpublish it afterwards if needed."))
    if publication.state not in (PublicationState.PENDING, PublicationState.FAILED, PublicationState.UNCONFIRMED):
        raise Conflict(_("Only pending, failed or unconfirmed publications can be cancelled."))
    publication.state = PublicationState.CANCELLED
    publication.save(update_fields=["state", "updated_at"])
    audit_log(actor=user, action="publication.cancel", target=publication)
    return publication


@transaction.atomic
def publication_reschedule(
    *, user: User, publication: Publication, due_at: dt.datetime, not_before: dt.datetime | None | str = "unchanged"
) -> Publication:
    """Move a pending publication (or send a failed one again) at a new time; also sets or lifts an embargo."""
    require_capability(user=user, workspace=publication.workspace_id, capability=Capability.PUBLISH)
    publication = _locked(publication)
    if publication.state not in (PublicationState.PENDING, PublicationState.FAILED):
        raise Conflict(_("Only pending or failed publications can be rescheduled."))
    if due_at < timezone.now() - dt.timedelta(minutes=1):
        raise InvalidInput(_("The publication time is in the past."))
    if not_before != "unchanged":
        publication.not_before = not_before
    effective = max(due_at, publication.not_before) if publication.not_before else due_at
    if publication.state == PublicationState.FAILED:
        publication.attempts = 0
        publication.result = {k: v for k, v in publication.result.items() if k in ("ids", "posts", "sent", "last_id")}
    publication.state = PublicationState.PENDING
    publication.due_at = due_at
    publication.next_attempt_at = effective
    publication.last_error = ""
    publication.save()
    audit_log(
        actor=user,
        action="publication.reschedule",
        target=publication,
        data={
            "due_at": due_at.isoformat(),
            "not_before": publication.not_before.isoformat() if publication.not_before else None,
        },
    )
    _kick_dispatcher_if_due(effective)
    return publication


@transaction.atomic
def publication_resolve_unconfirmed(
    *, user: User, publication: Publication, delivered: bool, url: str = ""
) -> Publication:
    """A person checked the platform: the unclear send either arrived (published) or did not (send again)."""
    require_capability(user=user, workspace=publication.workspace_id, capability=Capability.PUBLISH)
    publication = _locked(publication)
    if publication.state != PublicationState.UNCONFIRMED:
        raise Conflict(_("Only unconfirmed publications need a decision."))
    if delivered:
        url = (url or "").strip()
        if url and not http_url_or_empty(url):
            raise InvalidInput({"url": [_("The link must be an http:// or https:// address.")]})
        publication.state = PublicationState.PUBLISHED
        publication.published_at = timezone.now()
        publication.platform_url = url or publication.platform_url
    else:
        publication.state = PublicationState.PENDING
        publication.next_attempt_at = timezone.now()
    publication.save()
    audit_log(actor=user, action="publication.resolve", target=publication, data={"delivered": delivered})
    if delivered:
        transaction.on_commit(lambda: post_check_all_published(post_id=publication.post_id))
    else:
        _kick_dispatcher_if_due(publication.next_attempt_at)
    return publication


@transaction.atomic
def publication_unpublish(*, user: User, publication: Publication) -> Publication:
    """Ask the platform to delete the published item (queued; the attempt is logged)."""
    require_capability(user=user, workspace=publication.workspace_id, capability=Capability.PUBLISH)
    publication = _locked(publication)
    if publication.state != PublicationState.PUBLISHED:
        raise Conflict(_("Only published publications can be unpublished."))
    if not adapter_class(publication.channel.platform).can_delete:
        raise Conflict(
            _("%(platform)s does not allow deleting through its API.")
            % {"platform": publication.channel.get_platform_display()}
        )
    audit_log(actor=user, action="publication.unpublish", target=publication)
    enqueue_on_commit("publishing.unpublish_publication", publication.pk)
    return publication


def publication_delete_remote(*, publication_id: int) -> None:
    """Worker side of unpublish: delete on the platform, log the attempt, mark the row."""
    publication = Publication.objects.select_related("channel").filter(pk=publication_id).first()
    if publication is None or publication.state != PublicationState.PUBLISHED:
        return
    started = timezone.now()
    t0 = time.monotonic()
    try:
        adapter_for(publication.channel).delete(publication=publication)
    except DeliveryError as exc:
        PublicationAttempt.objects.create(
            publication=publication,
            number=publication.attempts + 1,
            started_at=started,
            duration_ms=int((time.monotonic() - t0) * 1000),
            outcome=AttemptOutcome.FAILED,
            status_code=exc.status,
            message=_("Delete failed: %(e)s") % {"e": exc.message},
        )
        Publication.objects.filter(pk=publication.pk).update(last_error=exc.message[:2000])
        raise
    with transaction.atomic():
        PublicationAttempt.objects.create(
            publication=publication,
            number=publication.attempts + 1,
            started_at=started,
            duration_ms=int((time.monotonic() - t0) * 1000),
            outcome=AttemptOutcome.DELETED,
            message=_("Deleted on the platform."),
        )
        Publication.objects.filter(pk=publication.pk, state=PublicationState.PUBLISHED).update(
            state=PublicationState.UNPUBLISHED, updated_at=timezone.now()
        )
        audit_log(actor=None, action="publication.deleted", target=publication)


def publications_withdraw_for_post(*, post_id: int, delete_published: bool, reason: str) -> int:
    """The post left the publishable states: drop what has not gone out and, when asked, delete what
    has (on platforms that can). Runs as the system, after the workflow action that asked for it."""
    with transaction.atomic():
        count = Publication.objects.filter(post_id=post_id, state=PublicationState.PENDING).update(
            state=PublicationState.CANCELLED, last_error=reason[:500], updated_at=timezone.now()
        )
        if delete_published:
            deletable = [p for p, cls in ADAPTERS.items() if cls.can_delete]
            for publication in Publication.objects.filter(
                post_id=post_id, state=PublicationState.PUBLISHED, channel__platform__in=deletable
            ):
                audit_log(actor=None, action="publication.unpublish", target=publication, data={"reason": reason})
                enqueue_on_commit("publishing.unpublish_publication", publication.pk)
                count += 1
    return count


def publications_default_for_post(*, post_id: int, user: User, due_at: dt.datetime) -> list[Publication]:
    """A post scheduled in its workflow with no channels chosen goes to the workspace's site channel(s)."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or Publication.objects.filter(post_id=post_id).exclude(state=PublicationState.CANCELLED).exists():
        return []
    channels = list(Channel.objects.filter(workspace_id=post.workspace_id, platform=Platform.SITE, is_active=True))
    if not channels:
        return []
    return publication_schedule(user=user, post=post, channels=channels, due_at=due_at)


# --- subscribers ------------------------------------------------------------------------------


@transaction.atomic
def subscriber_add(*, user: User, workspace: Workspace, email: str, name: str = "") -> Subscriber:
    require_capability(user=user, workspace=workspace, capability=Capability.MANAGE_CHANNELS)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except Exception as exc:
        raise InvalidInput(_("Enter a valid e-mail address.")) from exc
    subscriber, _created = Subscriber.objects.update_or_create(
        workspace=workspace, email=email, defaults={"name": name, "unsubscribed_at": None}
    )
    audit_log(actor=user, action="subscriber.add", target=subscriber)
    return subscriber


@transaction.atomic
def subscriber_remove(*, user: User, subscriber: Subscriber) -> None:
    require_capability(user=user, workspace=subscriber.workspace_id, capability=Capability.MANAGE_CHANNELS)
    audit_log(actor=user, action="subscriber.remove", target=subscriber)
    subscriber.delete()


@transaction.atomic
def subscriber_unsubscribe(*, token: str) -> Subscriber:
    """The signed link from a newsletter: no login, the signature is the authority."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise NotFound(_("This unsubscribe link is not valid.")) from exc
    subscriber = Subscriber.objects.filter(pk=data.get("s"), workspace_id=data.get("w")).first()
    if subscriber is None:
        raise NotFound(_("This unsubscribe link is not valid."))
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at", "updated_at"])
        audit_log(actor=None, action="subscriber.unsubscribe", target=subscriber)
    return subscriber
