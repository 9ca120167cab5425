"""The project's URLs plus the stored media files (a browser test plays the rendered video; outside
DEBUG the project leaves media to the web server or the storage's own URLs)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    *project_urlpatterns,
]
