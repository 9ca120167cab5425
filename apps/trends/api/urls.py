from rest_framework.routers import SimpleRouter

from .views import TopicViewSet, TrendViewSet

router = SimpleRouter()
router.register("trends/topics", TopicViewSet, basename="trend-topic")
router.register("trends", TrendViewSet, basename="trend")
urlpatterns = router.urls
