from rest_framework.routers import SimpleRouter

from . import views

# "alerts": /api/v1/notifications/ is the posts app's editorial notifications (mentions, reviews).
router = SimpleRouter()
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("alert-preferences", views.AlertPreferenceViewSet, basename="alert-preference")

urlpatterns = router.urls
