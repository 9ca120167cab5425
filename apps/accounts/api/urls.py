from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("workspaces", views.WorkspaceViewSet, basename="workspace")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("workspaces/<str:pk>/members/", views.WorkspaceMembersView.as_view(), name="workspace-members"),
    *router.urls,
]
