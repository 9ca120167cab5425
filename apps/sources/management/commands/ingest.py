"""manage.py ingest URL_OR_FILE --workspace SLUG: ingest one source synchronously and say what happened."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import Workspace
from apps.core.errors import InvalidInput
from apps.core.params import safe_id
from apps.sources import services
from apps.sources.models import Source


class Command(BaseCommand):
    help = (
        "Fetch (or read from a file), parse and store one source now, printing what it did. "
        "A URL that is not yet a source of the workspace becomes one; a file is stored as a paused file source."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", help="a feed URL, a Hacker News or subreddit URL, or a path to a feed file")
        parser.add_argument("--workspace", required=True, help="workspace slug (or id)")

    def handle(self, *args, target: str, workspace: str, **options):
        ws = Workspace.objects.filter(Q(slug=workspace) | Q(pk=safe_id(workspace))).first()
        if ws is None:
            raise CommandError(f"No workspace {workspace!r}.")
        try:
            source, body = services.source_for_ingest_command(workspace=ws, target=target)
        except InvalidInput as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        report: services.IngestReport | None
        if body is not None:
            report = services.source_ingest_bytes(source=source, body=body)
        else:
            now = timezone.now()
            claimed = (
                Source.objects.filter(pk=source.pk)
                .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
                .update(claimed_until=now + services.CLAIM_LEASE)
            )
            if not claimed:
                raise CommandError(f"{source} is being fetched by a worker right now; try again in a moment.")
            report = services.source_fetch(source_id=source.pk)
            if report is None:
                raise CommandError(f"{source} was deleted while it was being fetched.")
        source.refresh_from_db()
        attempt = report.attempt
        self.stdout.write(f"source #{source.pk} {source} ({source.get_kind_display()}) in workspace {ws.slug}")
        self.stdout.write(
            f"outcome: {report.outcome}"
            + (f", HTTP {attempt.http_status}" if attempt and attempt.http_status else "")
            + (f", {attempt.bytes_received} bytes in {attempt.duration_ms} ms" if attempt else "")
        )
        self.stdout.write(
            f"items: {report.found} found, {report.new} new, {report.updated} updated, {report.duplicates} duplicates"
        )
        if source.status != "paused" and source.next_check_at:
            self.stdout.write(f"next check: {source.next_check_at:%Y-%m-%d %H:%M:%S} UTC")
        if report.error:
            raise CommandError(report.error)
