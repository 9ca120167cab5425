from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.documents import urls as wagtaildocs_urls

from apps.core.ops_views import metrics_view, readyz
from apps.core.views import healthz
from apps.core.wiring import app_modules
from apps.generation.views import podcast_feed_view

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on every page, the public site's too: answer with the app's icon.
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static_url("favicon.svg")), name="favicon"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The browser scripts' strings (locale/*/LC_MESSAGES/djangojs.po), in the active language.
    path("jsi18n/", cache_page(60 * 60)(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]
# The apps' editorial pages live under /app/ (each urls.py sets its own prefix and namespace).
urlpatterns += [path("app/", include(module)) for module in app_modules("urls")]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
# The public sites' short links and the sitemap of the site the request is for, then Wagtail: keep it last.
urlpatterns += [
    path("", include("apps.site.public_urls")),
    # Each workspace's podcast (its published audio posts) beside its site: /<workspace-slug>/podcast.xml.
    path("<slug:slug>/podcast.xml", podcast_feed_view, name="public_podcast"),
    path("sitemap.xml", wagtail_sitemap, name="sitemap"),
    path("", include(wagtail_urls)),
]
