from django.urls import path

from apps.core.views import section_empty

app_name = "trends"
urlpatterns = [path("trends/", section_empty, {"section": "trends"}, name="index")]
