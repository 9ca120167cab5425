"""Websocket routes, gathered from each app's routing.py."""

from importlib import import_module
from importlib.util import find_spec

APPS_WITH_SOCKETS = ["core", "sources", "trends", "posts", "generation", "collaboration", "publishing"]

websocket_urlpatterns: list = []
for _label in APPS_WITH_SOCKETS:
    if find_spec(f"apps.{_label}.routing"):
        websocket_urlpatterns += import_module(f"apps.{_label}.routing").websocket_urlpatterns
