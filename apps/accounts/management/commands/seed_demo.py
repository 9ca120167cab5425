"""Load the demo workspace and one user per role. Safe to run again: it updates, never duplicates."""

from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts import demo as accounts_demo
from apps.accounts.demo import demo_password, demo_users, login_table, seed_accounts
from apps.core.wiring import app_modules


class Command(BaseCommand):
    help = "Create or refresh the demo workspace, its users (one per role) and each app's demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=None, help="Password for the demo users (default: DEMO_PASSWORD or a fixed demo one)."
        )
        parser.add_argument("--quiet", action="store_true")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Leave an existing demo workspace as it is (a restart of make run); still print the logins.",
        )

    def handle(self, *args, password=None, quiet=False, if_missing=False, **options):
        existing = demo_users() if if_missing else None
        if existing:
            workspace, users = existing
            password = password or demo_password()
        else:
            with transaction.atomic():
                workspace, users, password = seed_accounts(password=password)
                # Every other app's apps/<app>/demo.py seed(), in the order of INSTALLED_APPS: sources
                # before the trends made of their items, personas and trends before posts.
                for module in app_modules("demo"):
                    if module is not accounts_demo:
                        module.seed(workspace=workspace, users=users)
        if not quiet:
            self.stdout.write(self.style.SUCCESS(f"Demo workspace: {workspace.name} ({workspace.slug})"))
            self.stdout.write(login_table(users, password))
