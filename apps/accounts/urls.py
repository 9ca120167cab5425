from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("workspaces/switch/", views.workspace_switch, name="switch"),
    path("workspaces/members/", views.workspace_members, name="members"),
]
