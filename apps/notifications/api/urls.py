from rest_framework.routers import SimpleRouter

from . import views

# One system under two paths: /api/v1/notifications/ (where the posts app's editorial notifications used
# to be) and /api/v1/alerts/ (its first name); both list, read and count the same rows.
router = SimpleRouter()
router.register("notifications", views.AlertViewSet, basename="notification")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("alert-preferences", views.AlertPreferenceViewSet, basename="alert-preference")

urlpatterns = router.urls
