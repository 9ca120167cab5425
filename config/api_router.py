"""The /api/v1/ URL tree: each app's api/urls.py, mounted in one place."""

from importlib.util import find_spec

from django.urls import include, path, re_path

from apps.core.api.views import ApiNotFoundView

API_APPS = [
    "accounts",
    "notifications",
    "sources",
    "trends",
    "personas",
    "posts",
    "generation",
    "collaboration",
    "publishing",
]

app_name = "api"
urlpatterns = [path("", include(f"apps.{label}.api.urls")) for label in API_APPS if find_spec(f"apps.{label}.api.urls")]

# Keep last: unmatched API paths answer a JSON 404 instead of falling through to the public site.
urlpatterns.append(re_path(r"^.*$", ApiNotFoundView.as_view()))
