from django.urls import path

from .consumers import SourcesConsumer

websocket_urlpatterns = [path("ws/sources/", SourcesConsumer.as_asgi())]
