from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Invitation, Membership, User, Workspace
from ..roles import Role


class WorkspaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Workspace
        fields = ["id", "name", "slug", "description", "created_at"]
        read_only_fields = ["id", "slug", "created_at"]


class MembershipSerializer(serializers.ModelSerializer):
    workspace = WorkspaceSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["workspace", "role", "created_at"]


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.id")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.label")

    class Meta:
        model = Membership
        fields = ["user_id", "username", "name", "role", "created_at"]


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "name", "display_name", "language"]
        read_only_fields = ["id", "username", "email"]


class MeSerializer(UserSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    current_workspace = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "memberships", "current_workspace"]

    def get_current_workspace(self, user) -> int | None:
        membership = self.context.get("membership")
        return membership.workspace_id if membership else None


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(help_text=_("Username or e-mail address."))
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(required=False, default="api", max_length=100)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    user = UserSerializer()


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as the invitee sees it (the workspace) or an admin sees it (the login typed)."""

    workspace = WorkspaceSerializer(read_only=True)
    invited_by = serializers.CharField(source="invited_by.label", default=None, read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "workspace", "login", "role", "state", "invited_by", "created_at"]


class InviteSerializer(serializers.Serializer):
    login = serializers.CharField(max_length=254, help_text=_("Username or e-mail address."))
    role = serializers.ChoiceField(choices=Role.choices, default=Role.WRITER)


class InvitationAcceptSerializer(serializers.Serializer):
    make_default = serializers.BooleanField(
        default=False, help_text=_("Make it the workspace the user's browser sessions open in.")
    )
