from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("publishing/channels", views.ChannelViewSet, basename="publishing-channel")
router.register("publishing/publications", views.PublicationViewSet, basename="publishing-publication")
router.register("publishing/subscribers", views.SubscriberViewSet, basename="publishing-subscriber")
router.register("publishing", views.ScheduleViewSet, basename="publishing")

urlpatterns = router.urls
