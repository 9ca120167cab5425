"""Issue 17 item 6: the credential key rotates without losing stored credentials, and so does SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.fernet import Fernet
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.generation import crypto as ai_crypto
from apps.generation.models import AIProviderSettings
from apps.publishing import crypto as channel_crypto
from apps.publishing.models import Channel

pytestmark = pytest.mark.django_db

SECRETS = {"access_token": "токен-令牌-رمز-👩‍💻", "app_password": "e\u0301tude"}


def _legacy(purpose: str, secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(purpose.encode() + secret.encode()).digest()))


def _ai_row(workspace, token: str) -> AIProviderSettings:
    row, _ = AIProviderSettings.objects.get_or_create(workspace=workspace)
    AIProviderSettings.objects.filter(pk=row.pk).update(api_key_encrypted=token)
    return row


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("rotate_credentials_key", *args, stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_everything_under_the_new_key(workspace, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [old]
    settings.FIELD_ENCRYPTION_KEY = ""
    on_old = Channel.objects.create(
        workspace=workspace,
        name="Old key",
        platform="mastodon",
        credentials_encrypted=channel_crypto.credentials_encrypt(secrets=SECRETS),
    )
    # stored before any key was configured: under the SECRET_KEY-derived key
    legacy_token = _legacy("trendoscope.publishing.credentials:", settings.SECRET_KEY).encrypt(
        b'{"bot_token": "123:\xd0\xb1"}'
    )
    on_secret = Channel.objects.create(
        workspace=workspace, name="Legacy", platform="telegram", credentials_encrypted=legacy_token.decode()
    )
    ai = _ai_row(workspace, _legacy("trendoscope-fields:", settings.SECRET_KEY).encrypt("sk-ключ".encode()).decode())

    settings.CREDENTIALS_KEYS = [new, old]
    with pytest.raises(CommandError, match="do not use the first key"):
        _run("--check")
    output = _run()
    assert "publishing.Channel.credentials_encrypted: 2 stored, 0 already on the first key, 2 re-encrypted" in output
    assert "generation.AIProviderSettings.api_key_encrypted: 1 stored" in output
    assert _run("--check").strip().endswith("ok")

    # the old key and the SECRET_KEY derivation can go: everything opens with the new key alone
    settings.CREDENTIALS_KEYS = [new]
    settings.SECRET_KEY = "a-completely-different-secret-key-" + "x1y2z3" * 10
    on_old.refresh_from_db()
    on_secret.refresh_from_db()
    ai.refresh_from_db()
    assert channel_crypto.credentials_decrypt(token=on_old.credentials_encrypted) == SECRETS
    assert channel_crypto.credentials_decrypt(token=on_secret.credentials_encrypted) == {"bot_token": "123:б"}
    assert ai_crypto.secret_decrypt(ai.api_key_encrypted) == "sk-ключ"
    assert Fernet(new.encode()).decrypt(on_secret.credentials_encrypted.encode())


def test_secret_key_rotation_keeps_legacy_values_through_fallbacks_and_warns(workspace, settings):
    settings.CREDENTIALS_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = ""
    old_secret = settings.SECRET_KEY
    channel = Channel.objects.create(
        workspace=workspace,
        name="Dev",
        platform="webhook",
        credentials_encrypted=channel_crypto.credentials_encrypt(secrets={"secret": "s"}),
    )
    warnings = [m for m in checks.run_checks(databases=["default"]) if m.id == "core.W017"]
    assert warnings and "depend on SECRET_KEY" in warnings[0].msg

    # SECRET_KEY rotated the Django way: the old one in SECRET_KEY_FALLBACKS still opens the value
    settings.SECRET_KEY = "the-new-secret-key-" + "q7w8e9" * 10
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    assert channel_crypto.credentials_decrypt(token=channel.credentials_encrypted) == {"secret": "s"}
    with pytest.raises(CommandError, match="Set CREDENTIALS_KEYS"):
        _run()
    key = Fernet.generate_key().decode()
    settings.CREDENTIALS_KEYS = [key]
    _run()
    settings.SECRET_KEY_FALLBACKS = []
    channel.refresh_from_db()
    assert channel_crypto.credentials_decrypt(token=channel.credentials_encrypted) == {"secret": "s"}
    assert not [m for m in checks.run_checks(databases=["default"]) if m.id in ("core.W017", "core.E017")]


def test_secret_key_changed_without_fallback_is_loud_not_silent(workspace, settings):
    settings.CREDENTIALS_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = ""
    channel = Channel.objects.create(
        workspace=workspace,
        name="Dev",
        platform="webhook",
        credentials_encrypted=channel_crypto.credentials_encrypt(secrets={"secret": "s"}),
    )
    settings.SECRET_KEY = "changed-without-a-fallback-" + "m4n5b6" * 10
    settings.CREDENTIALS_KEYS = [Fernet.generate_key().decode()]
    errors = [m for m in checks.run_checks(databases=["default"]) if m.id == "core.E017"]
    assert errors and "open with no configured key" in errors[0].msg
    with pytest.raises(CommandError, match="open with no configured key"):
        _run()
    channel.refresh_from_db()
    assert channel.credentials_encrypted  # kept as it was, never blanked
