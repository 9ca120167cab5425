from django.urls import path

from .consumers import PostEventsConsumer

websocket_urlpatterns = [
    path("ws/posts/<int:post_id>/", PostEventsConsumer.as_asgi()),
    path("ws/posts/workspace/<int:workspace_id>/", PostEventsConsumer.as_asgi()),
]
