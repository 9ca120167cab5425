from django.urls import path

from .consumers import TrendsConsumer

websocket_urlpatterns = [path("ws/trends/", TrendsConsumer.as_asgi())]
