from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("workspaces", views.WorkspaceViewSet, basename="workspace")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("workspaces/<str:pk>/members/", views.WorkspaceMembersView.as_view(), name="workspace-members"),
    path("invitations/", views.InvitationListView.as_view(), name="invitations"),
    path("invitations/<int:pk>/accept/", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/<int:pk>/decline/", views.InvitationDeclineView.as_view(), name="invitation-decline"),
    *router.urls,
]
