from django.urls import path

from . import insights_views, planner_views, views

app_name = "publishing"
urlpatterns = [
    path("publishing/", views.index, name="index"),
    path("publishing/calendar/", planner_views.calendar, name="calendar"),
    path("publishing/calendar/move/", planner_views.calendar_move, name="calendar_move"),
    path("publishing/analytics/", views.analytics, name="analytics"),
    path("publishing/insights/", insights_views.insights_page, name="insights"),
    path("publishing/channels/new/", views.channel_edit, name="channel_create"),
    path("publishing/channels/<int:pk>/", views.channel_edit, name="channel_edit"),
    path("publishing/channels/<int:pk>/check/", views.channel_check_view, name="channel_check"),
    path("publishing/channels/<int:pk>/delete/", views.channel_delete_view, name="channel_delete"),
    path("publishing/channels/<int:pk>/connect/", views.channel_connect_start, name="channel_connect"),
    path("publishing/channels/<int:pk>/resume/", views.channel_resume_view, name="channel_resume"),
    path("publishing/channels/<int:pk>/disconnect/", views.channel_disconnect_view, name="channel_disconnect"),
    path("publishing/oauth/callback/", views.oauth_callback, name="oauth_callback"),
    path("publishing/subscribers/", views.subscribers, name="subscribers"),
    path("publishing/publications/<int:pk>/", views.publication_detail, name="publication"),
    path("publishing/publications/<int:pk>/<str:action>/", views.publication_action, name="publication_action"),
    path("publishing/posts/<int:post_id>/panel/", views.publish_panel, name="panel"),
    path("publishing/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
