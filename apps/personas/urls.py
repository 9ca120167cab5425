from django.urls import path

from apps.core.views import section_empty

app_name = "personas"
urlpatterns = [path("personas/", section_empty, {"section": "personas"}, name="index")]
