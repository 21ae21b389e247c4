"""WebSocket routes of every app, gathered in one list (each app keeps its own ``routing.py``)."""

from drafts.routing import websocket_urlpatterns as draft_routes
from facilitation.routing import websocket_urlpatterns as facilitation_routes
from workspace.routing import websocket_urlpatterns as workspace_routes

websocket_urlpatterns = [*workspace_routes, *draft_routes, *facilitation_routes]
