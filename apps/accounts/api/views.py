from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import NotFound

from .. import selectors, services
from ..errors import WorkspaceRequired
from ..models import ApiToken, Membership, User
from .serializers import (
    InvitationAcceptSerializer,
    InvitationSerializer,
    InviteSerializer,
    MemberSerializer,
    MembershipSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    WorkspaceSerializer,
)
from .throttling import LoginRateThrottle, login_failure_record, login_failures_clear, login_failures_wait


class TokenView(APIView):
    """Exchange a username (or e-mail) and password for a bearer token; DELETE revokes the one in use."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=TokenRequestSerializer, responses={201: TokenResponseSerializer})
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        login = data.validated_data["username"]
        if (wait := login_failures_wait(login)) is not None:
            raise exceptions.Throttled(wait=wait, detail=_("Too many failed logins for this account; try again later."))
        user = authenticate(request, username=login, password=data.validated_data["password"])
        if user is None and "@" in login:
            match = User.objects.filter(email__iexact=login).first()
            user = match and authenticate(request, username=match.username, password=data.validated_data["password"])
        if not user:
            login_failure_record(login)
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        login_failures_clear(login)
        token, key = services.api_token_issue(user=user, name=data.validated_data["name"])
        body = {"token": key, "expires_at": token.expires_at, "user": user}
        return Response(TokenResponseSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        if not request.user.is_authenticated or not isinstance(request.auth, ApiToken):
            raise exceptions.NotAuthenticated(_("Send the token to revoke in the Authorization header."))
        services.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        try:
            membership = selectors.membership_for_request(request)
        except (NotFound, WorkspaceRequired):  # /me/ lists the workspaces to choose from
            membership = None
        user = User.objects.prefetch_related("memberships__workspace").get(pk=request.user.pk)
        return Response(MeSerializer(user, context={"membership": membership}).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request):
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return self.get(request)


class WorkspaceViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """The workspaces the user belongs to, with the user's role in each."""

    serializer_class = MembershipSerializer
    lookup_value_regex = r"[^/]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return selectors.memberships_for_user(user=self.request.user)

    def get_object(self):
        return selectors.membership_for_workspace_ref(user=self.request.user, ref=self.kwargs["pk"])

    @extend_schema(request=WorkspaceSerializer, responses={201: MembershipSerializer})
    def create(self, request, *args, **kwargs):
        data = WorkspaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = services.workspace_create(name=data.validated_data["name"], owner=request.user)
        membership = selectors.membership_for_workspace_ref(user=request.user, ref=workspace.pk)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class WorkspaceMembersView(APIView):
    @extend_schema(responses=MemberSerializer(many=True))
    def get(self, request, pk):
        membership = selectors.membership_for_workspace_ref(user=request.user, ref=pk)
        members = selectors.workspace_members(workspace=membership.workspace)
        return Response(MemberSerializer(members, many=True).data)

    @extend_schema(request=InviteSerializer, responses={202: InvitationSerializer})
    def post(self, request, pk):
        """Adding a member invites them: they join once they accept. The answer is the same whether or not
        an e-mail address has an account."""
        membership = selectors.membership_for_workspace_ref(user=request.user, ref=pk)
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            actor=request.user,
            workspace=membership.workspace,
            login=data.validated_data["login"],
            role=data.validated_data["role"],
            accept_url=request.build_absolute_uri("/app/invitations/"),
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_202_ACCEPTED)


class InvitationListView(APIView):
    """The user's pending invitations (by username, or to one of their verified addresses)."""

    @extend_schema(responses=InvitationSerializer(many=True))
    def get(self, request):
        return Response(InvitationSerializer(selectors.invitations_pending_for_user(user=request.user), many=True).data)


class InvitationAcceptView(APIView):
    @extend_schema(request=InvitationAcceptSerializer, responses={200: MembershipSerializer})
    def post(self, request, pk: int):
        invitation = selectors.invitation_for_user(user=request.user, pk=pk)
        data = InvitationAcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.invitation_accept(
            user=request.user, invitation=invitation, make_default=data.validated_data["make_default"]
        )
        return Response(MembershipSerializer(membership).data)


class InvitationDeclineView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, pk: int):
        invitation = selectors.invitation_for_user(user=request.user, pk=pk)
        services.invitation_decline(user=request.user, invitation=invitation)
        return Response(status=status.HTTP_204_NO_CONTENT)
