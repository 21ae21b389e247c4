"""ASGI entry point: Daphne serves HTTP and WebSocket from this one application.

A WebSocket is authenticated by the browser's session, after an Origin check against
ALLOWED_HOSTS (so a page on another site cannot open a socket with a member's cookies), or by an
API token in ``?token=`` (cookies ignored, no Origin needed): see ``accounts.ws_auth``.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "codesign.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402  (needs Django set up first)

from accounts.ws_auth import TokenOrSessionAuth  # noqa: E402
from codesign.routing import websocket_urlpatterns  # noqa: E402
from workspace.loops import start_loops_when_served  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": TokenOrSessionAuth(URLRouter(websocket_urlpatterns)),
    }
)

start_loops_when_served()  # the round timer, the presence batcher, the mail sender (workspace/loops.py)
