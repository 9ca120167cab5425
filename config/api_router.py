"""The /api/v1/ URL tree: each app's api/urls.py, mounted in one place."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from apps.core.api.views import ApiNotFoundView
from apps.core.wiring import app_modules

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [path("", include(module)) for module in app_modules("api.urls")]

# Keep last: unmatched API paths answer a JSON 404 instead of falling through to the public site.
urlpatterns.append(re_path(r"^.*$", ApiNotFoundView.as_view()))
