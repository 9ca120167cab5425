"""Public routes of the site app that sit before Wagtail's catch-all: the short links."""

from django.urls import path

from . import views

urlpatterns = [
    path("l/<str:code>", views.link_redirect, name="site-link"),
    # A site served under a path prefix has its own sitemap there (Wagtail's routes all end in "/").
    path("<slug:prefix>/sitemap.xml", views.site_sitemap, name="site-sitemap"),
]
