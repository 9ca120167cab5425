from .selectors import invitations_pending_for_user, memberships_for_user


def workspace(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not request.path.startswith("/app/"):
        return {}
    membership = request.membership if request.membership else None
    return {
        "current_membership": membership,
        "current_workspace": membership.workspace if membership else None,
        "user_memberships": memberships_for_user(user=user),
        # A lazy queryset: only the onboarding and invitations pages run it.
        "pending_invitations": invitations_pending_for_user(user=user),
    }
