"""Websocket routes, gathered from each app's routing.py."""

from apps.core.wiring import app_modules

websocket_urlpatterns: list = [route for module in app_modules("routing") for route in module.websocket_urlpatterns]
