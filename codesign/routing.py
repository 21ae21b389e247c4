"""WebSocket routes of every app, gathered in one list (each app keeps its own ``routing.py``)."""

from workspace.routing import websocket_urlpatterns as workspace_routes

websocket_urlpatterns = [*workspace_routes]
