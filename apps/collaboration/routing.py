"""Websocket routes of live editing."""

from django.urls import path

from .consumers import PostDocumentConsumer

websocket_urlpatterns = [path("ws/posts/<int:post_id>/doc/", PostDocumentConsumer.as_asgi())]
