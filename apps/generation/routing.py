from django.urls import path

from .consumers import GenerationJobConsumer

websocket_urlpatterns = [path("ws/generation/jobs/<int:job_id>/", GenerationJobConsumer.as_asgi())]
