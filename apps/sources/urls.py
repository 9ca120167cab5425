from django.urls import path

from apps.core.views import section_empty

app_name = "sources"
urlpatterns = [path("sources/", section_empty, {"section": "sources"}, name="index")]
