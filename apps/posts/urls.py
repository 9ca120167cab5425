from django.urls import path

from apps.core.views import section_empty

app_name = "posts"
urlpatterns = [path("posts/", section_empty, {"section": "posts"}, name="index")]
