"""Users, workspaces (a team or client), memberships with a role, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role, role_can


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    # The workspace a browser session works in until the user switches: one they created, chose or
    # switched to on accepting an invitation. Never guessed (a workspace named "0000" must not win).
    default_workspace = models.ForeignKey(
        "accounts.Workspace",
        verbose_name=_("default workspace"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Not a field: apps.accounts.permissions caches the user's memberships by workspace id on the object.
    _membership_cache: dict[int, Membership | None]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def label(self) -> str:
        return str(self)

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self._password_replaced = True

    def save(self, *args, **kwargs) -> None:
        # A new or unusable password (any flow: allauth's pages and headless API, the admin, a management
        # command) revokes the user's bearer tokens. Django sets `_password` only in set_password() and
        # clears it before the re-hash-on-login save, so an upgraded hash does not count as a change.
        replaced = self.pk is not None and (
            getattr(self, "_password", None) is not None or getattr(self, "_password_replaced", False)
        )
        super().save(*args, **kwargs)
        if replaced:
            self._password_replaced = False
            ApiToken.objects.filter(user=self).delete()


class Workspace(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="workspaces", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.WRITER)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")]
        indexes = [models.Index(fields=["user", "workspace"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.workspace} ({self.get_role_display()})"

    def can(self, capability: str) -> bool:
        return role_can(self.role, capability)


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    """An admin's offer of a role in a workspace; a Membership exists only once the invitee accepts.
    `login` is what the admin typed (a username or an e-mail address, lower-cased) and is all the
    admin ever sees, so inviting never tells whether an address has an account."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    login = models.CharField(_("username or e-mail address"), max_length=254)
    # Who may accept: the user named by username, or anyone whose verified address is `email`.
    invitee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.WRITER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=InvitationState.choices, default=InvitationState.PENDING
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "login"],
                condition=models.Q(state="pending"),
                name="invitation_one_pending_per_login",
            )
        ]
        indexes = [models.Index(fields=["email", "state"]), models.Index(fields=["invitee", "state"])]

    def __str__(self) -> str:
        return f"{self.login} → {self.workspace} ({self.get_role_display()}, {self.get_state_display()})"


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def for_key(self, key: str) -> ApiToken | None:
        return cast("ApiToken | None", self.select_related("user").filter(key_hash=_hash_key(key)).first())


class ApiToken(models.Model):
    """A bearer token for mobile and API clients. Only its hash is stored; the key is shown once."""

    PREFIX = "tsk_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100, default="api")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.key_prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: User, name: str = "api", ttl: timedelta | None = None) -> tuple[ApiToken, str]:
        key = cls.PREFIX + secrets.token_urlsafe(32)
        ttl = ttl or timedelta(days=settings.API_TOKEN_TTL_DAYS)
        token = cls.objects.create(
            user=user, name=name, key_hash=_hash_key(key), key_prefix=key[:8], expires_at=timezone.now() + ttl
        )
        return token, key

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
