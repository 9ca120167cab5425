from django.urls import path

from . import views

app_name = "generation"
urlpatterns = [
    path("generate/", views.generate, name="generate"),
    path("generate/jobs/", views.job_list, name="jobs"),
    path("generate/jobs/<int:pk>/", views.job_detail, name="job"),
    path("generate/jobs/<int:pk>/cancel/", views.job_cancel, name="cancel"),
    path("generate/jobs/<int:pk>/accept/", views.refine_decide, {"decision": "accept"}, name="accept"),
    path("generate/jobs/<int:pk>/reject/", views.refine_decide, {"decision": "reject"}, name="reject"),
    path("generate/refine/<int:post_pk>/", views.refine, name="refine"),
    path("generate/videos/<int:script_pk>/render/", views.video_render, name="video_render"),
    path("podcast/<slug:slug>/feed.xml", views.podcast_feed_view, name="podcast"),
    path("podcast/<slug:slug>/cover.png", views.podcast_cover_view, name="podcast_cover"),
    path("generate/templates/", views.template_list, name="templates"),
    path("generate/templates/<int:pk>/", views.template_edit, name="template"),
    path("generate/templates/<int:pk>/new-post/", views.template_new_post, name="template_new_post"),
    path("generate/settings/", views.ai_settings, name="settings"),
]
