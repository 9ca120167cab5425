"""ASGI entry point: Django for HTTP, Channels consumers for websockets."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.accounts.ws_auth import WebsocketAuthMiddleware  # noqa: E402
from apps.core.logging import RequestIdASGIMiddleware  # noqa: E402
from apps.core.uploads import BodyLimitASGI  # noqa: E402
from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # request bodies above settings.UPLOAD_MAX_BYTES are refused before they are read
        "http": BodyLimitASGI(django_asgi_app),
        # Origin is checked per consumer (apps.core.consumers) so that token clients without a
        # browser Origin can connect while browsers from foreign origins cannot.
        # every log line of a socket's consumer carries the connection's request_id (apps.core.logging)
        "websocket": RequestIdASGIMiddleware(WebsocketAuthMiddleware(URLRouter(websocket_urlpatterns))),
    }
)
