from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sources", views.SourceViewSet, basename="source")
router.register("items", views.ItemViewSet, basename="item")
router.register("fetch-attempts", views.FetchAttemptViewSet, basename="fetch-attempt")

urlpatterns = router.urls
