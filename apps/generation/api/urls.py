from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("generations", views.GenerationViewSet, basename="generation")
router.register("video-renders", views.VideoRenderViewSet, basename="video-render")
router.register("post-templates", views.PostTemplateViewSet, basename="post-template")
urlpatterns = [
    path("refinements/", views.RefineView.as_view(), name="refinements"),
    path("post-images/", views.PostImageView.as_view(), name="post-images"),
    path("transcriptions/", views.TranscriptionView.as_view(), name="transcriptions"),
    path("ai-settings/", views.AISettingsView.as_view(), name="ai-settings"),
    path("token-usage/", views.TokenUsageView.as_view(), name="token-usage"),
    *router.urls,
]
