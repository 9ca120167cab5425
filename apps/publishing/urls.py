from django.urls import path

from apps.core.views import section_empty

app_name = "publishing"
urlpatterns = [path("publishing/", section_empty, {"section": "publishing"}, name="index")]
