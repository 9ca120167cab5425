"""Demo accounts: one workspace, one user per role, e-mail addresses verified."""

from allauth.account.models import EmailAddress
from django.conf import settings

from .models import Membership, User, Workspace
from .roles import Role

DEFAULT_PASSWORD = "trendoscope-demo"


def demo_password() -> str:
    return settings.DEMO_PASSWORD or DEFAULT_PASSWORD


def demo_users():
    """(workspace, {role: user}) when the demo workspace already has a member for every role, else None."""
    workspace = Workspace.objects.filter(slug="demo").first()
    if workspace is None:
        return None
    memberships = Membership.objects.filter(workspace=workspace, user__username__in=[r.value for r in Role])
    users = {m.user.username: m.user for m in memberships.select_related("user")}
    if set(users) != {r.value for r in Role}:
        return None
    return workspace, {role.value: users[role.value] for role in Role}


def login_table(users: dict, password: str) -> str:
    """The demo-login block: a heading over each of its three columns."""
    rows = [("role", "username", "password")] + [(role, user.username, password) for role, user in users.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = ["Demo logins:"] + [f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}" for r in rows]
    return "\n".join(lines)


def seed_accounts(*, password: str | None = None):
    password = password or demo_password()
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
