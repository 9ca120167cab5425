"""Re-encrypt every stored credential under the first CREDENTIALS_KEYS key (apps.core.crypto).

Rotating the credential key:
  1. generate a key: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
  2. deploy with CREDENTIALS_KEYS=<new>,<old> (the new one first: it encrypts, both decrypt)
  3. manage.py rotate_credentials_key            (re-encrypts; values no key opens are reported, kept)
  4. manage.py rotate_credentials_key --check    (exit 0 = nothing depends on anything but the new key)
  5. deploy with CREDENTIALS_KEYS=<new>
Rotating SECRET_KEY: put the old one into DJANGO_SECRET_KEY_FALLBACKS, run steps 3-4, then drop it.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from apps.core.crypto import rotate_credentials


class Command(BaseCommand):
    help = "Re-encrypt stored credentials under the first CREDENTIALS_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="change nothing; fail unless all values use the first key"
        )
        parser.add_argument("--dry-run", action="store_true", help="change nothing; report what would be re-encrypted")

    def handle(self, *args, check: bool = False, dry_run: bool = False, **options):
        try:
            reports = rotate_credentials(dry_run=check or dry_run)
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        behind = unreadable = 0
        for r in reports:
            pending = r.values - r.on_primary - len(r.unreadable)
            behind += pending
            unreadable += len(r.unreadable)
            self.stdout.write(
                f"{r.name}: {r.values} stored, {r.on_primary} already on the first key, "
                f"{r.rotated if not (check or dry_run) else pending} {'re-encrypted' if not (check or dry_run) else 'to re-encrypt'}"
                f" ({r.on_secret_key} under SECRET_KEY), {len(r.unreadable)} unreadable"
                + (f" (ids {', '.join(map(str, r.unreadable[:20]))})" if r.unreadable else "")
            )
        if unreadable:
            raise CommandError(
                f"{unreadable} stored credential(s) open with no configured key: put the key they were written "
                "with back into CREDENTIALS_KEYS or DJANGO_SECRET_KEY_FALLBACKS (they were left unchanged)."
            )
        if check and behind:
            raise CommandError(
                f"{behind} stored credential(s) do not use the first key yet: run rotate_credentials_key."
            )
        self.stdout.write(self.style.SUCCESS("ok"))
