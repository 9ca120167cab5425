"""Demo accounts: one workspace, one user per role, e-mail addresses verified."""

import os

from allauth.account.models import EmailAddress

from .models import Membership, User, Workspace
from .roles import Role

DEMO_APPS = ["site", "sources", "personas", "trends", "posts", "publishing"]
DEFAULT_PASSWORD = "trendoscope-demo"


def seed_accounts(*, password: str | None = None):
    password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    workspace, _ = Workspace.objects.update_or_create(
        slug="demo", defaults={"name": "Demo Newsroom", "description": "A sample editorial team."}
    )
    users = {}
    for role in Role:
        username = f"{role.value}"
        email = f"{role.value}@demo.trendoscope.local"
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "email": email,
                "display_name": f"Demo {role.label}",
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        Membership.objects.update_or_create(workspace=workspace, user=user, defaults={"role": role.value})
        users[role.value] = user
    return workspace, users, password
