from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("personas", views.PersonaViewSet, basename="persona")
urlpatterns = router.urls
