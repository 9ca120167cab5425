from django.urls import path
from django.views.generic import RedirectView

from apps.accounts.views import audit_log_page

from . import views

app_name = "posts"
urlpatterns = [
    path("posts/", views.post_list, name="index"),
    path("posts/board/", views.post_board, name="board"),
    path("posts/new/", views.post_new, name="new"),
    # The workspace's one audit log, opened on the posts' actions.
    path("posts/audit/", audit_log_page, {"default_action": "post."}, name="audit"),
    # Editorial notifications are apps.notifications' now (the bell): the old address leads there.
    path(
        "posts/notifications/",
        RedirectView.as_view(pattern_name="notifications:index", permanent=True),
        name="notifications",
    ),
    path("posts/settings/", views.posts_settings, name="settings"),
    # The stable public address of an image in a post's text (signed; redirects to the storage).
    path("posts/media/<str:token>/", views.media_asset_file, name="media-file"),
    path("posts/<int:pk>/", views.post_detail, name="detail"),
    path("posts/<int:pk>/transition/<str:action>/", views.post_transition, name="transition"),
    path("posts/<int:pk>/history/", views.post_history, name="history"),
    path("posts/<int:pk>/revisions/<int:number>/", views.revision_detail, name="revision"),
    path("posts/<int:pk>/revisions/<int:number>/restore/", views.revision_restore, name="revision-restore"),
    path("posts/<int:pk>/share/", views.post_sharing, name="share"),
]
