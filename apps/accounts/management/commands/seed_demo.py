"""Load the demo workspace and one user per role. Safe to run again: it updates, never duplicates."""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.demo import DEMO_APPS, seed_accounts


class Command(BaseCommand):
    help = "Create or refresh the demo workspace, its users (one per role) and each app's demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=None, help="Password for the demo users (default: DEMO_PASSWORD or a fixed demo one)."
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, password=None, quiet=False, **options):
        with transaction.atomic():
            workspace, users, password = seed_accounts(password=password)
            for label in DEMO_APPS:
                if find_spec(f"apps.{label}.demo"):
                    import_module(f"apps.{label}.demo").seed(workspace=workspace, users=users)
        if quiet:
            return
        self.stdout.write(self.style.SUCCESS(f"Demo workspace: {workspace.name} ({workspace.slug})"))
        self.stdout.write("Demo logins (username / password):")
        for role, user in users.items():
            self.stdout.write(f"  {role:<10} {user.username:<16} {password}")
