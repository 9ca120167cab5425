from django.urls import path

from . import views

app_name = "workspaces"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("audit/", views.audit_log_page, name="audit"),
    path("workspaces/switch/", views.workspace_switch, name="switch"),
    path("workspaces/new/", views.workspace_new, name="create"),
    path("workspaces/members/", views.workspace_members, name="members"),
    path("workspaces/members/add/", views.member_add, name="member_add"),
    path("workspaces/members/<int:user_id>/role/", views.member_set_role, name="member_role"),
    path("workspaces/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("workspaces/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation_answer"),
    path("account/tokens/", views.api_tokens, name="tokens"),
    path("shortcuts/", views.keyboard_shortcuts, name="shortcuts"),
    path("account/tokens/<int:pk>/revoke/", views.api_token_revoke, name="token_revoke"),
]
