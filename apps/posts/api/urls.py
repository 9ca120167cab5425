from django.urls import path

from . import views

urlpatterns = [
    path("posts/", views.PostListView.as_view(), name="post-list"),
    path("posts/<int:post_id>/", views.PostDetailView.as_view(), name="post-detail"),
    path("posts/<int:post_id>/revisions/", views.RevisionListView.as_view(), name="post-revisions"),
    path("posts/<int:post_id>/revisions/<int:number>/", views.RevisionDetailView.as_view(), name="post-revision"),
    path(
        "posts/<int:post_id>/revisions/<int:number>/restore/",
        views.RevisionRestoreView.as_view(),
        name="post-revision-restore",
    ),
    path("posts/<int:post_id>/diff/", views.DiffView.as_view(), name="post-diff"),
    path("posts/<int:post_id>/images/", views.PostImageListView.as_view(), name="post-images"),
    path("posts/<int:post_id>/source-items/", views.PostSourceItemListView.as_view(), name="post-source-items"),
    path("posts/<int:post_id>/comments/", views.CommentListView.as_view(), name="post-comments"),
    path("posts/<int:post_id>/comments/<int:comment_id>/", views.CommentDetailView.as_view(), name="post-comment"),
    path(
        "posts/<int:post_id>/comments/<int:comment_id>/replies/",
        views.CommentReplyView.as_view(),
        name="post-comment-reply",
    ),
    path(
        "posts/<int:post_id>/comments/<int:comment_id>/resolve/",
        views.CommentResolveView.as_view(),
        name="post-comment-resolve",
    ),
    path(
        "posts/<int:post_id>/comments/<int:comment_id>/reopen/",
        views.CommentReopenView.as_view(),
        name="post-comment-reopen",
    ),
    path("posts/<int:post_id>/suggestions/", views.SuggestionListView.as_view(), name="post-suggestions"),
    path(
        "posts/<int:post_id>/suggestions/<int:suggestion_id>/accept/",
        views.SuggestionAcceptView.as_view(),
        name="post-suggestion-accept",
    ),
    path(
        "posts/<int:post_id>/suggestions/<int:suggestion_id>/reject/",
        views.SuggestionRejectView.as_view(),
        name="post-suggestion-reject",
    ),
    path("posts/<int:post_id>/transitions/<str:action>/", views.TransitionView.as_view(), name="post-transition"),
    path("posts/<int:post_id>/shares/", views.ShareListView.as_view(), name="post-shares"),
    path("posts/<int:post_id>/shares/<int:user_id>/", views.ShareDetailView.as_view(), name="post-share"),
    path(
        "posts/<int:post_id>/email-shares/<int:share_id>/",
        views.EmailShareDetailView.as_view(),
        name="post-email-share",
    ),
]
