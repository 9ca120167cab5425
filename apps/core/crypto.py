"""Fernet keys for credentials at rest (platform tokens, AI keys).

settings.CREDENTIALS_KEYS (then the older FIELD_ENCRYPTION_KEY) hold the keys: the first encrypts, every
one decrypts, so a key can be rotated by putting the new one first. A key derived from SECRET_KEY is the
last resort: it encrypts only when no key is configured (local development) and always decrypts, so
values stored before a key was configured stay readable; keys derived from Django's SECRET_KEY_FALLBACKS
decrypt too, so rotating SECRET_KEY the Django way keeps such values readable until they are re-encrypted.

settings.CREDENTIAL_FIELDS names every stored credential ("app_label.Model.field" -> the purpose of its
legacy derivation): `manage.py rotate_credentials_key` re-encrypts them all under the first key
(MultiFernet.rotate), after which old keys and SECRET_KEY fallbacks can be dropped; `--check` fails
when a value still depends on anything but the first key. A database check (run by migrate) warns about
values that still depend on SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction


def configured_keys() -> tuple[str, ...]:
    keys = [*settings.CREDENTIALS_KEYS, settings.FIELD_ENCRYPTION_KEY]
    return tuple(dict.fromkeys(key.strip() for key in keys if key and key.strip()))


def derived_key(purpose: str, secret: str) -> bytes:
    return base64.urlsafe_b64encode(hashlib.sha256(purpose.encode() + secret.encode()).digest())


def secret_keys() -> tuple[str, ...]:
    return tuple(dict.fromkeys([settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]))


@lru_cache(maxsize=16)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    try:
        return tuple(Fernet(key.encode()) for key in keys)
    except ValueError as exc:
        raise ImproperlyConfigured("CREDENTIALS_KEYS holds a value that is not a Fernet key.") from exc


@lru_cache(maxsize=16)
def _multi(keys: tuple[str, ...], purpose: str, secrets: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([*_fernets(keys), *(Fernet(derived_key(purpose, secret)) for secret in secrets)])


def credentials_fernet(purpose: str) -> MultiFernet:
    """`purpose` is the prefix of the legacy SECRET_KEY derivation (each app used its own)."""
    return _multi(configured_keys(), purpose, secret_keys())


def encrypt_text(value: str, *, purpose: str) -> str:
    """`value` encrypted for storage ("" stays "")."""
    return credentials_fernet(purpose).encrypt(value.encode()).decode() if value else ""


def decrypt_text(token: str, *, purpose: str) -> str:
    """The stored value, or "" when there is none or no key can read it (the user enters it again)."""
    if not token:
        return ""
    try:
        return credentials_fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


# --- rotation -----------------------------------------------------------------------------------------


@dataclass
class FieldReport:
    name: str
    values: int = 0
    rotated: int = 0
    on_primary: int = 0
    on_secret_key: int = 0
    unreadable: list[int] = field(default_factory=list)


def credential_fields() -> list[tuple[type[models.Model], str, str]]:
    """(model, field name, legacy purpose) for every entry of settings.CREDENTIAL_FIELDS."""
    out = []
    for dotted, purpose in settings.CREDENTIAL_FIELDS.items():
        label, model_name, field_name = dotted.split(".")
        model = apps.get_model(label, model_name)
        model._meta.get_field(field_name)  # a wrong name fails loudly
        out.append((model, field_name, purpose))
    return out


def _classify(token: bytes, purpose: str) -> str:
    keys = configured_keys()
    if keys:
        try:
            _fernets(keys[:1])[0].decrypt(token)
            return "primary"
        except InvalidToken:
            pass
        for fernet in _fernets(keys[1:]):
            try:
                fernet.decrypt(token)
                return "old-key"
            except InvalidToken:
                continue
    for secret in secret_keys():
        try:
            Fernet(derived_key(purpose, secret)).decrypt(token)
            return "secret-key"
        except InvalidToken:
            continue
    return "unreadable"


def rotate_credentials(*, dry_run: bool = False) -> list[FieldReport]:
    """Re-encrypt every stored credential under the first CREDENTIALS_KEYS key. Values no key opens are
    left as they are and reported (never blanked)."""
    if not dry_run and not configured_keys():
        raise ImproperlyConfigured("Set CREDENTIALS_KEYS before rotating: the first key encrypts.")
    reports = []
    for model, field_name, purpose in credential_fields():
        report = FieldReport(name=f"{model._meta.label}.{field_name}")
        fernet = credentials_fernet(purpose)
        rows = model._default_manager.exclude(**{field_name: ""}).values_list("pk", field_name)
        for pk, value in rows.iterator(chunk_size=500):
            report.values += 1
            token = value.encode()
            kind = _classify(token, purpose)
            if kind == "unreadable":
                report.unreadable.append(pk)
                continue
            if kind == "primary":
                report.on_primary += 1
                continue
            if kind == "secret-key":
                report.on_secret_key += 1
            if not dry_run:
                with transaction.atomic():
                    # only if nobody changed it meanwhile
                    report.rotated += model._default_manager.filter(pk=pk, **{field_name: value}).update(
                        **{field_name: fernet.rotate(token).decode()}
                    )
        reports.append(report)
    return reports


@checks.register(checks.Tags.database)
def check_credentials_keys(app_configs=None, databases=None, **kwargs):
    """Run by migrate (database checks): stored credentials that only a SECRET_KEY-derived key opens
    would be lost with SECRET_KEY; ones no key opens are already lost."""
    if not databases or "default" not in databases:
        return []
    problems = []
    try:
        fields = credential_fields()
    except LookupError:
        return []
    for model, field_name, purpose in fields:
        try:
            values = list(model._default_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True)[:2000])
        except Exception:  # tables not there yet (first migrate)
            continue
        kinds = [_classify(value.encode(), purpose) for value in values]
        label = f"{model._meta.label}.{field_name}"
        if kinds.count("secret-key"):
            problems.append(
                checks.Warning(
                    f"{kinds.count('secret-key')} value(s) of {label} depend on SECRET_KEY.",
                    hint="Set CREDENTIALS_KEYS and run `manage.py rotate_credentials_key` before changing SECRET_KEY.",
                    id="core.W017",
                )
            )
        if kinds.count("unreadable"):
            problems.append(
                checks.Error(
                    f"{kinds.count('unreadable')} value(s) of {label} open with no configured key.",
                    hint="Put the key they were written with back into CREDENTIALS_KEYS (or SECRET_KEY_FALLBACKS).",
                    id="core.E017",
                )
            )
    return problems
