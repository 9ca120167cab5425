"""manage.py backup: the database (pg_dump custom format or SQLite's online backup), the media and a
manifest with versions and checksums, as one archive in BACKUP_DIR, a folder, or the S3 bucket."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, list_archives, run_backup


class Command(BaseCommand):
    help = "Back up the database and the media into one archive (see apps/core/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument("--to", help="a folder (default: BACKUP_DIR, or the BACKUP_S3_BUCKET when set)")
        parser.add_argument("--database-url", help="back up this database instead of the configured one")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help=f"keep the newest N archives (default BACKUP_KEEP={settings.BACKUP_KEEP})",
        )
        parser.add_argument("--list", action="store_true", help="list the archives and exit")

    def handle(self, *args, to=None, database_url=None, keep=None, list=False, **options):
        if list:
            for location in list_archives(folder=to):
                self.stdout.write(location)
            return
        try:
            location, removed = run_backup(
                to=to, database_url=database_url, keep=settings.BACKUP_KEEP if keep is None else keep
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        for old in removed:
            self.stdout.write(f"removed {old}")
        self.stdout.write(self.style.SUCCESS(location))
