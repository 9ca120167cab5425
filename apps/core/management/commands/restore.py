"""manage.py restore ARCHIVE: bring a backup (a file or s3://bucket/key) back into an EMPTY database
(create it first; the manifest's checksums are verified, then row counts are compared after)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, fetch, restore_archive


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database, and its media into the default storage."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the archive: a path or s3://bucket/key")
        parser.add_argument("--database-url", help="restore into this database instead of the configured one")
        parser.add_argument("--no-media", action="store_true", help="leave the media storage alone")

    def handle(self, *args, archive: str, database_url=None, no_media=False, **options):
        with tempfile.TemporaryDirectory(prefix="trendoscope-fetch-") as tmp:
            try:
                path = fetch(archive, Path(tmp))
                result = restore_archive(path, database_url=database_url, media=not no_media)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        manifest = result["manifest"]
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {result['tables']} tables ({sum(manifest['tables'].values())} rows) and "
                f"{result['media_files']} media files from a backup of {manifest['created_at']}"
            )
        )
