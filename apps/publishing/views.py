"""Publishing pages: overview, calendar, analytics, channel settings, subscribers, a publication's
history, the post page's publish panel and the public unsubscribe page."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.accounts.permissions import require_capability, require_member
from apps.accounts.roles import Capability
from apps.accounts.selectors import request_membership
from apps.core.errors import Conflict, NotFound
from apps.core.params import clamp_int, safe_id, safe_int
from apps.posts.models import Post

from . import analytics as analytics_mod
from . import connecting, insights, selectors, services
from . import oauth as oauth_mod
from .adapters import ADAPTERS
from .adapters.base import NothingToCheck
from .adapters.newsletter import UNSUBSCRIBE_SALT
from .models import Channel, Platform, PublicationState, Subscriber
from .oauth import OAUTH_PLATFORMS, PASSWORD_PLATFORMS
from .ratelimit import breaker_state
from .templatetags.publishing_tags import panel_context


def _membership(request):
    return request_membership(request)


def _error_text(exc) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return getattr(exc, "message", None) or str(exc)


def _next_url(request, fallback: str) -> str:
    """Where to go after a POST: the page's own `next` when it is on this site, else the fallback
    (never //evil.example, https://evil.example or javascript:)."""
    candidate = (request.POST.get("next") or "").strip()
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _local_input(value: str) -> dt.datetime | None:
    """<input type=datetime-local> value in the current time zone."""
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValidationError(_("Enter a valid date and time."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@login_required
def index(request):
    membership = _membership(request)
    workspace = membership.workspace
    channels = list(selectors.channels_for(user=request.user, workspace=workspace).order_by("name"))
    for channel in channels:
        channel.expiry = selectors.channel_expiry_warning(channel)
        channel.breaker = breaker_state(channel_id=channel.pk)
    now = timezone.now()
    upcoming = (
        selectors.publications_for(user=request.user, workspace=workspace)
        .filter(state__in=[PublicationState.PENDING, PublicationState.CLAIMED, PublicationState.SENDING])
        .order_by("next_attempt_at")[:25]
    )
    recent = selectors.publications_for(
        user=request.user, workspace=workspace, state=PublicationState.PUBLISHED
    ).order_by("-published_at")[:15]
    attention = selectors.publications_needing_attention(workspace=workspace)[:25]
    return render(
        request,
        "publishing/index.html",
        {
            "section": "publishing",
            "channels": channels,
            "upcoming": upcoming,
            "recent": recent,
            "attention": attention,
            "now": now,
            "can_manage": membership.can(Capability.MANAGE_CHANNELS),
            "can_publish": membership.can(Capability.PUBLISH),
        },
    )


@login_required
def analytics(request):
    workspace = _membership(request).workspace
    try:
        days = clamp_int(request.GET.get("days"), 30, minimum=7, maximum=365)
    except ValueError:
        days = 30
    summary = analytics_mod.analytics_summary(workspace=workspace, days=days)
    channels = list(Channel.objects.filter(workspace=workspace).order_by("name"))
    best_by_channel = insights.best_times_for(workspace=workspace, channels=channels)
    best = [(c, best_by_channel[c.pk]) for c in channels]
    charts = {
        "daily": analytics_mod.line_chart_svg(summary["daily"], title=_("Engagement per day")),
        "post": analytics_mod.bar_chart_svg([(t.label, t.engagement) for t in summary["by_post"]], title=_("By post")),
        "channel": analytics_mod.bar_chart_svg(
            [(t.label, t.engagement) for t in summary["by_channel"]], title=_("By channel")
        ),
        "persona": analytics_mod.bar_chart_svg(
            [(t.label, t.engagement) for t in summary["by_persona"]], title=_("By persona")
        ),
    }
    return render(
        request,
        "publishing/analytics.html",
        {"section": "publishing", "summary": summary, "charts": charts, "best": best, "days": days},
    )


def _channel_form_fields(platform: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    cls = ADAPTERS[platform]
    common = (
        ("utm_campaign", "hashtags") if platform not in (Platform.SITE, Platform.NEWSLETTER, Platform.WORDPRESS) else ()
    )
    return tuple(cls.config_fields) + common, tuple(cls.secret_fields)


@login_required
def channel_edit(request, pk: int | None = None):
    membership = _membership(request)
    channel = selectors.channel_for_user(user=request.user, pk=pk) if pk else None
    workspace = channel.workspace if channel else membership.workspace
    try:
        require_capability(user=request.user, workspace=workspace, capability=Capability.MANAGE_CHANNELS)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("publishing:index")
    platform = channel.platform if channel else request.POST.get("platform") or request.GET.get("platform") or "webhook"
    if platform not in ADAPTERS:
        platform = "webhook"
    config_fields, secret_fields = _channel_form_fields(platform)
    error = ""
    if request.method == "POST":
        try:
            return _channel_save(request, channel=channel, workspace=workspace, platform=platform)
        except (ValidationError, ValueError, Conflict) as exc:
            error = _error_text(exc)
    values = channel.config if channel else {}
    response = render(
        request,
        "publishing/channel_form.html",
        {
            "section": "publishing",
            "channel": channel,
            "platform": platform,
            "platforms": Platform.choices,
            "config_fields": [(k, request.POST.get(f"config_{k}", _display(values.get(k, "")))) for k in config_fields],
            "secret_fields": secret_fields,
            "error": error,
            "expiry": selectors.channel_expiry_warning(channel) if channel else "",
            # a dict, not the class: templates would call a class
            "adapter": {"label": Platform(platform).label, "default_rate": ADAPTERS[platform].default_rate},
            "breaker": breaker_state(channel_id=channel.pk) if channel else "",
            "publications": channel.publications.select_related("post").order_by("-due_at")[:20] if channel else [],
            "connect": _connect_kind(platform),
            "waiting": channel.publications.filter(state=PublicationState.PENDING).count() if channel else 0,
        },
    )
    origin = oauth_mod.authorize_origin(platform=platform, config=channel.config if channel else None)
    if origin:
        # The Connect (and "Save and connect") form ends on the platform's sign-in page.
        # django-csp reads this per-response attribute (HttpResponse's stubs do not know it).
        response._csp_update = {"form-action": [origin]}  # type: ignore[attr-defined]
    return response


def _channel_form_input(request, platform: str) -> dict:
    config_fields, secret_fields = _channel_form_fields(platform)
    config = {}
    for key in config_fields:
        value = request.POST.get(f"config_{key}", "").strip()
        if key == "hashtags":
            config[key] = [t.strip().lstrip("#") for t in value.replace(",", " ").split() if t.strip()]
        else:
            config[key] = value
    return {
        "config": config,
        "secrets": {key: request.POST.get(f"secret_{key}", "").strip() for key in secret_fields},
        "credentials_expire_at": _local_input(request.POST.get("credentials_expire_at", "")),
        "rate_per_minute": safe_int(request.POST.get("rate_per_minute"), minimum=1, maximum=10**6),
        "rate_burst": safe_int(request.POST.get("rate_burst"), minimum=1, maximum=10**6),
        "is_active": request.POST.get("is_active") == "on",
    }


def _channel_save(request, *, channel, workspace, platform: str):
    """Create or update from the form, then connect: validate a new app password at once, or go on
    to the platform's sign-in for a new OAuth channel."""
    kwargs = _channel_form_input(request, platform)
    given_secrets = any(kwargs["secrets"].values())
    created = channel is None
    if created:
        channel = services.channel_create(
            user=request.user, workspace=workspace, name=request.POST.get("name", ""), platform=platform, **kwargs
        )
        if given_secrets:
            messages.success(
                request, _("Channel created. Its credentials are stored encrypted and will not be shown again.")
            )
        else:
            messages.success(request, _("Channel created."))
    else:
        had_credentials = bool(channel.credentials_encrypted)
        channel = services.channel_update(user=request.user, channel=channel, name=request.POST.get("name"), **kwargs)
        messages.success(request, _("Channel saved."))
        if had_credentials and not channel.credentials_encrypted:
            messages.warning(
                request,
                _("The address changed, so the stored credentials were removed: enter them again for the new host."),
            )
    if platform in PASSWORD_PLATFORMS and given_secrets:
        _validate_password(request, channel)
    elif created and platform in OAUTH_PLATFORMS and not _has_token(channel):
        if oauth_mod.authorize_origin(platform=platform, config=None):
            return _connect_redirect(request, channel.pk)  # straight on to the platform's sign-in
        messages.info(request, _("Saved. Now connect the account on your instance."))
    return redirect("publishing:channel_edit", pk=channel.pk)


def _has_token(channel) -> bool:
    return bool(oauth_mod.channel_credentials(channel).get("access_token"))


def _connect_kind(platform: str) -> str:
    if platform in OAUTH_PLATFORMS:
        return "oauth"
    if platform in PASSWORD_PLATFORMS:
        return "password"
    return ""


def _validate_password(request, channel) -> None:
    """An app password was just saved: prove it against the platform at once and say what happened."""
    try:
        account = connecting.connect_password(user=request.user, channel=channel)
        messages.success(request, _("Connected as %(account)s.") % {"account": account})
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))


OAUTH_SESSION_KEY = "publishing_oauth"


@login_required
@require_POST
def channel_connect_start(request, pk: int):
    """Send the person to the platform's sign-in (state + PKCE challenge; the verifier stays here)."""
    return _connect_redirect(request, pk)


def _connect_redirect(request, pk: int):
    channel = selectors.channel_for_user(user=request.user, pk=pk)
    redirect_uri = request.build_absolute_uri(reverse("publishing:oauth_callback"))
    try:
        url, pending = connecting.connect_start(user=request.user, channel=channel, redirect_uri=redirect_uri)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("publishing:channel_edit", pk=pk)
    store = dict(request.session.get(OAUTH_SESSION_KEY) or {})
    # At most a few sign-ins in flight per person (the newest kept).
    store = dict(sorted(store.items(), key=lambda kv: kv[1].get("started", 0))[-4:])
    store[pending["state"]] = pending
    request.session[OAUTH_SESSION_KEY] = store
    return HttpResponseRedirect(url)


@login_required
def oauth_callback(request):
    """Where the platform sends the person back: ?code&state, or ?error&state."""
    store = dict(request.session.get(OAUTH_SESSION_KEY) or {})
    pending = store.pop(request.GET.get("state", ""), None)
    request.session[OAUTH_SESSION_KEY] = store
    try:
        channel, account = connecting.connect_finish(user=request.user, pending=pending, params=request.GET)
    except (ValidationError, PermissionDenied, NotFound) as exc:
        messages.error(request, _error_text(exc))
        if pending:
            return redirect("publishing:channel_edit", pk=pending["channel"])
        return redirect("publishing:index")
    messages.success(request, _("Account connected: %(account)s.") % {"account": account})
    return redirect("publishing:channel_edit", pk=channel.pk)


@login_required
@require_POST
def channel_resume_view(request, pk: int):
    channel = selectors.channel_for_user(user=request.user, pk=pk)
    try:
        connecting.channel_resume(user=request.user, channel=channel)
        messages.success(request, _("Channel resumed: waiting publications go out now."))
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
    return redirect("publishing:channel_edit", pk=pk)


@login_required
@require_POST
def channel_disconnect_view(request, pk: int):
    channel = selectors.channel_for_user(user=request.user, pk=pk)
    try:
        warning = connecting.channel_disconnect(user=request.user, channel=channel)
        messages.success(request, _("Disconnected. Publications to this channel wait until it is connected again."))
        if warning:
            messages.warning(request, warning)
    except PermissionDenied as exc:
        messages.error(request, _error_text(exc))
    return redirect("publishing:channel_edit", pk=pk)


def _display(value) -> str:
    return " ".join(f"#{v}" for v in value) if isinstance(value, list) else str(value or "")


@login_required
@require_POST
def channel_check_view(request, pk: int):
    channel = selectors.channel_for_user(user=request.user, pk=pk)
    try:
        account = connecting.channel_check(user=request.user, channel=channel)
        messages.success(request, _("Connection works: %(account)s") % {"account": account})
    except NothingToCheck as exc:
        messages.info(request, str(exc))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect("publishing:channel_edit", pk=pk)


@login_required
@require_POST
def channel_delete_view(request, pk: int):
    channel = selectors.channel_for_user(user=request.user, pk=pk)
    try:
        services.channel_delete(user=request.user, channel=channel)
        messages.success(request, _("Channel deleted."))
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
        return redirect("publishing:channel_edit", pk=pk)
    return redirect("publishing:index")


@login_required
def subscribers(request):
    membership = _membership(request)
    workspace = membership.workspace
    try:
        require_capability(user=request.user, workspace=workspace, capability=Capability.MANAGE_CHANNELS)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("publishing:index")
    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                subscriber = (
                    selectors.subscribers_for(user=request.user, workspace=workspace)
                    .filter(pk=request.POST["remove"])
                    .first()
                )
                if subscriber is None:
                    raise NotFound(_("Not found."))
                services.subscriber_remove(user=request.user, subscriber=subscriber)
            else:
                lines = [line.strip() for line in request.POST.get("emails", "").splitlines() if line.strip()]
                for line in lines:
                    services.subscriber_add(user=request.user, workspace=workspace, email=line)
                messages.success(request, _("%(n)s subscriber(s) added.") % {"n": len(lines)})
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        return redirect("publishing:subscribers")
    rows = selectors.subscribers_for(user=request.user, workspace=workspace)
    return render(
        request,
        "publishing/subscribers.html",
        {
            "section": "publishing",
            "subscribers": rows[:500],
            "active": rows.filter(unsubscribed_at__isnull=True).count(),
        },
    )


@login_required
def publication_detail(request, pk: int):
    publication = selectors.publication_for_user(user=request.user, pk=pk)
    membership = require_member(user=request.user, workspace=publication.workspace_id)
    return render(
        request,
        "publishing/publication.html",
        {
            "section": "publishing",
            "publication": publication,
            "attempts": selectors.publication_attempts(publication=publication)[:100],
            "metrics": publication.metrics.all()[:50],
            "can_publish": membership.can(Capability.PUBLISH),
            "can_delete": ADAPTERS[publication.channel.platform].can_delete,
        },
    )


@login_required
@require_POST
def publication_action(request, pk: int, action: str):
    publication = selectors.publication_for_user(user=request.user, pk=pk)
    try:
        if action == "cancel":
            services.publication_cancel(user=request.user, publication=publication)
            messages.success(request, _("Publication cancelled."))
        elif action == "reschedule":
            due = _local_input(request.POST.get("due_at", "")) or timezone.now()
            not_before = (
                _local_input(request.POST.get("not_before", "")) if "not_before" in request.POST else "unchanged"
            )
            services.publication_reschedule(
                user=request.user, publication=publication, due_at=due, not_before=not_before
            )
            messages.success(request, _("Publication rescheduled."))
        elif action == "delivered":
            services.publication_resolve_unconfirmed(
                user=request.user, publication=publication, delivered=True, url=request.POST.get("url", "")
            )
            messages.success(request, _("Marked as published."))
        elif action == "resend":
            services.publication_resolve_unconfirmed(user=request.user, publication=publication, delivered=False)
            messages.success(request, _("It will be sent again."))
        elif action == "unpublish":
            services.publication_unpublish(user=request.user, publication=publication)
            messages.success(request, _("Deletion requested from the platform."))
        else:
            raise Http404
    except (ValidationError, Conflict, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return HttpResponseRedirect(_next_url(request, reverse("publishing:publication", args=[pk])))


def _forecast_time(request) -> dt.datetime | None:
    """The time the panel's form names (for the forecast); None for "now" or anything unreadable."""
    value = request.POST.get("due_at") or request.GET.get("due_at") or ""
    try:
        return _local_input(value) if (request.POST.get("when") or request.GET.get("when")) != "now" else None
    except ValidationError:
        return None


@login_required
def publish_panel(request, post_id: int):
    """The publish panel on its own page (the post page includes the same fragment); POST schedules."""
    post = Post.objects.visible_to(request.user).select_related("persona").filter(pk=post_id).first()
    if post is None:
        raise Http404
    channels = list(Channel.objects.filter(workspace_id=post.workspace_id, is_active=True).order_by("name"))
    chosen_ids = [safe_id(x) for x in request.POST.getlist("channels") or request.GET.getlist("channels")]
    chosen = [c for c in channels if c.pk in chosen_ids]
    overrides = {
        k.removeprefix("override_"): v for k, v in request.POST.items() if k.startswith("override_") and v.strip()
    }
    previews = []
    error = ""
    if request.method == "POST" and request.POST.get("do") == "schedule":
        try:
            due = None if request.POST.get("when") == "now" else _local_input(request.POST.get("due_at", ""))
            not_before = _local_input(request.POST.get("not_before", ""))
            services.publication_schedule(
                user=request.user, post=post, channels=chosen, due_at=due, not_before=not_before, overrides=overrides
            )
            messages.success(request, _("Scheduled to %(n)s channel(s).") % {"n": len(chosen)})
            return HttpResponseRedirect(_next_url(request, reverse("publishing:panel", args=[post.pk])))
        except (ValidationError, Conflict, PermissionDenied) as exc:
            error = _error_text(exc)
    if chosen:
        previews = services.publication_preview(user=request.user, post=post, channels=chosen, overrides=overrides)
        insights.forecast_previews(previews=previews, post=post, when=_forecast_time(request))
    context = panel_context(request=request, post=post)
    context.update({"previews": previews, "chosen_ids": chosen_ids, "error": error, "section": "publishing"})
    template = "publishing/_publish_panel.html" if request.GET.get("fragment") else "publishing/panel_page.html"
    return render(request, template, context)


@csrf_exempt
def unsubscribe(request, token: str):
    """GET shows a confirmation (mail scanners follow links); POST unsubscribes (also RFC 8058 one-click)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        subscriber = Subscriber.objects.select_related("workspace").get(pk=data.get("s"), workspace_id=data.get("w"))
    except (signing.BadSignature, Subscriber.DoesNotExist):
        return render(request, "publishing/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        subscriber = services.subscriber_unsubscribe(token=token)
        done = True
    return render(
        request,
        "publishing/unsubscribe.html",
        {
            "subscriber": subscriber,
            "done": done or subscriber.unsubscribed_at is not None,
            "workspace": subscriber.workspace,
        },
    )
