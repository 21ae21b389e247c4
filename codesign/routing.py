"""WebSocket routes of every app, gathered in one list (each app keeps its own ``routing.py``)."""

from boards.routing import websocket_urlpatterns as workspace_routes
from drafts.routing import websocket_urlpatterns as draft_routes
from facilitation.routing import websocket_urlpatterns as facilitation_routes

websocket_urlpatterns = [*workspace_routes, *draft_routes, *facilitation_routes]
